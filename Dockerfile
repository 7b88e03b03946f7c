# The image `kubectl fed reconcile --print-manifests` runs: `kubectl-fed` on Python 3.11.
#   docker build -t kubectl-fed:0.1.0 .
FROM python:3.11-slim

WORKDIR /build
COPY pyproject.toml README.md ./
COPY kubectl_fed ./kubectl_fed
RUN pip install --no-cache-dir . && rm -rf /build

# The conventional non-root user; the Deployment asks for the same uid/gid.
USER 65532:65532
WORKDIR /tmp
ENV HOME=/tmp PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
ENTRYPOINT ["kubectl-fed"]
CMD ["--help"]
