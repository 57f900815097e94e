# The summarization service in a container. Builds with the classic builder and BuildKit alike.
#
#   docker build -t newsdigest .                                   # PyPI + PyTorch's CPU wheels
#   docker build -t newsdigest --build-arg MODEL=google/flan-t5-base .   # bake a hub checkpoint
#   docker build -t newsdigest --build-arg EXTRAS=ctranslate2 .    # with optional extras (comma-separated)
#   docker build -t newsdigest:embedded --build-arg ENGINE=embedded .  # the embedded engine only: no torch
#   docker run -p 8000:8000 newsdigest
#
# Optional inputs, picked up from the build context when present (README.md only keeps each COPY
# valid when they are absent):
#   wheelhouse/  wheels for an offline, reproducible build (`pip wheel -w wheelhouse .`), used
#                with --build-arg PIP_INSTALL_ARGS="--no-index"
#   model/       a save_pretrained checkpoint directory to bake in
ARG BASE_IMAGE=python:3.11-slim

# ---- dependencies: a virtual environment, built before (and apart from) the code --------------
FROM ${BASE_IMAGE} AS deps
# The classic builder keeps this stage as an untagged image; the label lets it be pruned alone:
# docker image prune -f --filter label=newsdigest.stage=deps
LABEL newsdigest.stage=deps
ARG PIP_INSTALL_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu"
# Optional extras of pyproject.toml to install too, comma-separated (ctranslate2, ray).
ARG EXTRAS=""
# all: both engines. embedded: the embedded engine only, without torch and transformers (603 MB
# against 1.64 GB; SUMMARIZER_MODEL is then refused at start, saying why).
ARG ENGINE=all
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY README.md wheelhous[e] /wheels/
COPY pyproject.toml .ci/requirements.py /src/
# The dependencies (and the extras') are read from pyproject.toml: this layer changes only with them.
RUN python3 -m venv /opt/venv \
 && python3 /src/requirements.py --pyproject /src/pyproject.toml --extras "${EXTRAS}" --engine "${ENGINE}" \
    > /src/requirements.txt \
 && /opt/venv/bin/pip install ${PIP_INSTALL_ARGS} --find-links /wheels -r /src/requirements.txt

# ---- runtime -------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG MODEL=""
ARG ENGINE=all
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false \
    PATH=/opt/venv/bin:$PATH HF_HOME=/tmp/huggingface SUMMARIZER_HOST=0.0.0.0 SUMMARIZER_PORT=8000 \
    SUMMARIZER_CT2_CACHE_DIR=/tmp/ct2
COPY --from=deps /opt/venv /opt/venv
# A checkpoint from the build context (model/), or one downloaded now (MODEL=<hub id>).
COPY README.md mode[l] /opt/model/
RUN if [ "$ENGINE" = embedded ] && { [ -n "$MODEL" ] || [ -f /opt/model/config.json ]; }; then \
      echo "ENGINE=embedded has no torch to serve a model with: build with ENGINE=all" >&2; exit 1; \
    fi \
 && if [ -n "$MODEL" ]; then \
      python -c "import sys; from huggingface_hub import snapshot_download; snapshot_download(sys.argv[1], local_dir='/opt/model')" "$MODEL"; \
    fi \
 && chmod -R a+rX /opt/model \
 && (useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app 2>/dev/null \
     || echo "app:x:10001:10001::/app:/usr/sbin/nologin" >> /etc/passwd)
WORKDIR /app
COPY service /app/service
COPY prompts /app/prompts
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
# A baked checkpoint is the default model; SUMMARIZER_MODEL (e.g. a mounted directory) overrides it.
# exec: python is PID 1 and gets SIGTERM itself; uvicorn then lets in-flight requests finish.
ENTRYPOINT ["/bin/sh", "-c", "if [ -z \"${SUMMARIZER_MODEL:-}\" ] && [ -f /opt/model/config.json ]; then export SUMMARIZER_MODEL=/opt/model; fi; exec python -m service \"$@\"", "--"]
