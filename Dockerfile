# Container image of the service. The build is exercised in CI by the "Docker image" issue;
# until then this file is a starting point, not a tested artifact.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    SUMMARIZER_HOST=0.0.0.0 SUMMARIZER_PORT=8000
WORKDIR /app

# Dependencies first, so code changes don't reinstall them.
COPY pyproject.toml README.md ./
RUN python -m venv /opt/venv && /opt/venv/bin/pip install "torch==2.13.*" \
    && mkdir -p service eval prompts && touch service/__init__.py eval/__init__.py \
    && /opt/venv/bin/pip install .

COPY service ./service
COPY eval ./eval
COPY prompts ./prompts
RUN /opt/venv/bin/pip install --no-deps . && useradd --create-home --uid 10001 app
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD /opt/venv/bin/python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["/opt/venv/bin/python", "-m", "service"]
