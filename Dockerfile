# syntax=docker/dockerfile:1

# --- Stage 1: front-end assets from the npm registry (Bootstrap), exactly as locked.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- Stage 2: the Django application (web, Celery worker and beat all run this image).
FROM python:3.11-slim AS app

# PYTHONPATH: the checkout in /app is the code that runs, whatever the command and its
# working directory (prm/settings.py derives BASE_DIR from its own location).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: msgfmt for `manage.py compilemessages` (the compiled .mo files are not in Git).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 prm \
    && useradd --system --uid 1000 --gid prm --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin prm

WORKDIR /app

# Runtime dependencies first, from pyproject.toml alone, so that a code change does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /app/node_modules ./node_modules

# Static files into STATIC_ROOT (/app/staticfiles), served by whitenoise. The settings
# refuse to load without SECRET_KEY when DEBUG is false: this one exists only in this step.
# Message catalogs are compiled when there are any (compilemessages fails without them).
RUN SECRET_KEY=build-only-collectstatic-not-secret DEBUG=false \
        python manage.py collectstatic --noinput \
    && if find . -path ./node_modules -prune -o -name '*.po' -print | grep -q .; then \
        SECRET_KEY=build-only-collectstatic-not-secret DEBUG=false \
            python manage.py compilemessages --ignore node_modules; \
    fi \
    && mkdir -p var/media var/private-media \
    && chown -R prm:prm var

# The code stays owned by root (read-only for the app); only var/ (uploads) is writable.
USER prm

EXPOSE 8000

CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
