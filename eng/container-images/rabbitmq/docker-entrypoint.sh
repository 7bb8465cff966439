#!/bin/sh
# RabbitMQ as the official image starts it: its first user is RABBITMQ_DEFAULT_USER with
# RABBITMQ_DEFAULT_PASS (no guest), data in /var/lib/rabbitmq, the management and Prometheus
# plugins on, logs to the console.
set -eu

if [ $# -gt 0 ]; then
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    mkdir -p /var/lib/rabbitmq /etc/rabbitmq/conf.d
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq/conf.d
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0"
fi

: "${RABBITMQ_DEFAULT_USER:?is required}" "${RABBITMQ_DEFAULT_PASS:?is required: the broker accepts no connection without a password}"
umask 077
cat > /etc/rabbitmq/conf.d/10-users.conf <<CONF
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
log.console = true
log.console.level = info
log.file = false
CONF

export HOME=/var/lib/rabbitmq
exec /usr/lib/rabbitmq/bin/rabbitmq-server
