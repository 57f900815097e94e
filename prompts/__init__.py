"""Prompt templates as package data: `<family>/<task>.jinja`, read through `importlib.resources`.

This folder is data, not code; it is a package only so that an installed wheel and a source checkout
find the templates by the same path (`service.prompts.load_prompts`).
"""
