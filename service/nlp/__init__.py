"""Text analysis: HTML, sentences, words, similarity, salience, selection and packing."""
