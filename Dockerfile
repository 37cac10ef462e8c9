# Luukku's production image: `luukku serve` (migrate, collectstatic, uvicorn with a worker
# process per CPU, and the task worker beside it). compose.yaml runs the web server and
# the task worker as two containers of this image (`--only web`, `--only worker`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LUUKKU_HOME=/app \
    LUUKKU_VAR=/var/lib/luukku \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /app
# The pinned dependencies of pyproject.toml, then the package (templates, static files,
# compiled translations are package data).
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin luukku \
    && mkdir -p /var/lib/luukku \
    && chown luukku /var/lib/luukku

USER luukku
EXPOSE 8000
# /healthz: the process answers (/readyz, database and migrations, is compose's check).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Needs DATABASE_URL, LUUKKU_SECRET_KEY and LUUKKU_PUBLIC_URL (README, Serving).
CMD ["luukku", "serve"]
