# ksm-shard image: python:3.11-slim, the project and its pinned dependencies (pyproject.toml) in a virtualenv,
# non-root (65534), runs with a read-only root filesystem and needs no shell (exec-form entry point, HTTP probes).
# Build: docker build -t ksm-shard:0.1.0 .   Run in Kubernetes with deploy/statefulset/.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY ksm_shard ./ksm_shard
# Installs the exact versions pinned in pyproject.toml; bytecode is compiled here, once, for the read-only image.
RUN /opt/venv/bin/pip install --no-cache-dir . \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM python:3.11-slim
LABEL org.opencontainers.image.title="ksm-shard" \
      org.opencontainers.image.description="kube-state-metrics, rebuilt as a horizontally sharded Python exporter" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/venv /opt/venv
# PYTHONDONTWRITEBYTECODE: never try to write .pyc files (read-only root filesystem).
# TMPDIR: gunicorn's worker heartbeat file (worker_tmp_dir unset -> the temp dir); XDG_RUNTIME_DIR: its control
# socket; HOME: anything else looking for a home (65534 has none). All three are /tmp, an emptyDir in the manifests.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TMPDIR=/tmp \
    XDG_RUNTIME_DIR=/tmp \
    HOME=/tmp
USER 65534:65534
EXPOSE 8080 8081
ENTRYPOINT ["ksm-shard"]
