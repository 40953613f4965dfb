#!/bin/sh
# Writes one file per secret for compose.yaml into ./secrets (or the directory
# given): random keys from openssl, the database password and the DATABASE_URL
# that uses it, and SMTP_URL from the environment. A file that exists is kept,
# so running it again never replaces a key (a lost PHI key is lost data).
# Keep a copy of the keys outside this host (a password manager or your secret
# manager): without PHI_ENCRYPTION_KEYS no backup can be read.
#
#   SMTP_URL='smtp://user:pass@smtp.example.org:587' deploy/make-secrets.sh
set -eu

dir=${1:-secrets}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"

write() {
  name=$1
  value=$2
  if [ -e "$dir/$name" ]; then
    echo "kept    $dir/$name"
    return
  fi
  printf '%s\n' "$value" >"$dir/$name"
  # Readable inside the containers (uid 10001, postgres' 999); the 0700
  # directory keeps other host users out.
  chmod 0444 "$dir/$name"
  echo "wrote   $dir/$name"
}

key() { openssl rand -base64 32; }

write postgres_password "$(openssl rand -hex 24)"
write database_url "postgresql://haven:$(cat "$dir/postgres_password")@db:5432/haven"
write auth_secret "$(openssl rand -base64 48 | tr -d '\n')"
# The same shape as `npm run keys:generate`: k<yyyymmdd><4 hex>:<32 random bytes, base64>.
write phi_encryption_keys "k$(date -u +%Y%m%d)$(openssl rand -hex 2):$(key)"
write phi_blind_index_key "$(key)"
write audit_mac_key "$(key)"
write audit_checkpoint_key "$(key)"
write backup_encryption_key "$(key)"
if [ -n "${SMTP_URL:-}" ]; then
  write smtp_url "$SMTP_URL"
elif [ ! -e "$dir/smtp_url" ]; then
  echo "missing $dir/smtp_url: run again with SMTP_URL='smtp://user:pass@host:587' (production sends email)" >&2
  exit 1
fi
