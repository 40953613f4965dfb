#!/bin/sh
# Haven reads its configuration from environment variables only. Secret
# managers and orchestrators (Docker/Compose secrets, Kubernetes secret volumes,
# Vault Agent or sops templates) hand secrets over as files instead, which keeps
# them out of `docker inspect` and of the environment other tools print. So for
# each secret below, NAME_FILE=/path sets NAME to that file's content (trailing
# newlines removed) before the command starts, as the official postgres image
# does with POSTGRES_PASSWORD_FILE.
#
# A fixed list, not every *_FILE variable: SSL_CERT_FILE and the like are other
# programs' settings and must stay paths. tests/unit/deploy/entrypoint.test.ts
# checks that every secret lib/env.ts knows (SECRET_SPECS) is listed here.
set -eu

HAVEN_SECRET_VARIABLES="
  DATABASE_URL REALTIME_LISTEN_URL SMTP_URL
  AUTH_SECRET PHI_ENCRYPTION_KEYS PHI_BLIND_INDEX_KEY AUDIT_MAC_KEY AUDIT_CHECKPOINT_KEY BACKUP_ENCRYPTION_KEY
  STRIPE_SECRET_KEY STRIPE_WEBHOOK_SECRET RAZORPAY_KEY_SECRET RAZORPAY_WEBHOOK_SECRET
  PUSHER_SECRET AGORA_APP_CERTIFICATE VIDEO_TURN_SECRET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY SENTRY_DSN
"

for name in $HAVEN_SECRET_VARIABLES; do
  eval "path=\${${name}_FILE:-}"
  [ -n "$path" ] || continue
  eval "already=\${${name}:-}"
  if [ -n "$already" ]; then
    echo "haven: both $name and ${name}_FILE are set; set only one" >&2
    exit 1
  fi
  if [ ! -r "$path" ]; then
    echo "haven: ${name}_FILE names $path, which this user (uid $(id -u)) cannot read" >&2
    exit 1
  fi
  value=$(cat "$path")
  if [ -z "$value" ]; then
    echo "haven: ${name}_FILE names $path, which is empty" >&2
    exit 1
  fi
  export "$name=$value"
  unset "${name}_FILE"
done

exec "$@"
