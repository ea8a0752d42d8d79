#!/bin/bash
# build-image.sh: the OCI image of the agent (`./run image`), made from the
# vantage-agent Debian package with Debian's own tools only: apt-get downloads
# the .debs of its run-time dependencies (the closure of its Depends, from the
# mirror apt already uses; no image is pulled from any registry), dpkg-deb
# unpacks them and the agent's .deb into an empty root, ldconfig indexes its
# libraries, and `podman import` turns that root into the image. It holds the
# agent and its libraries, nothing else: no shell, no package manager.
# The agent runs as the user vantage (uid 900 in the image), its state in the
# volume at /var/lib/vantage-agent, its config mounted at /etc/vantage. The
# image's label io.containers.seccomp.profile carries the seccomp profile made
# from the systemd unit's SystemCallFilter (seccomp_profile.py), which
# `podman run --seccomp-policy=image` applies; it is also written beside the
# image archive for other runtimes.
#   usage: build-image.sh DEBDIR   (DEBDIR: where ./run package put the .debs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
debdir=$(cd "$1" && pwd)
deb=$(ls "$debdir"/vantage-agent_*.deb)
ver=$(dpkg-deb -f "$deb" Version)
tag=localhost/vantage-agent:$ver
work=$(mktemp -d /tmp/vantage-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root" "$work/debs"
chmod 0755 "$work" "$work/debs"   # apt-get download fetches as the user _apt

# the closure of the package's Depends (adduser only serves the maintainer
# scripts, which an image does not run)
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' |
       grep -v -x -e adduser -e '')
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
          --no-breaks --no-replaces --no-enhances $deps | grep -v '^ ' | grep -v '^<' | sort -u)
( cd "$work/debs" && apt-get download -q $closure >/dev/null )
for f in "$work"/debs/*.deb "$deb"; do
  dpkg-deb -x "$f" "$root"
done
echo "build-image: $(ls "$work"/debs | wc -l) packages: $(echo $closure) vantage-agent"

# the user, its state directory and the config's mount point; /tmp for nothing
mkdir -p "$root/etc/vantage" "$root/var/lib/vantage-agent" "$root/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nvantage:x:900:900:vantage agent:/var/lib/vantage-agent:/usr/sbin/nologin\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\nvantage:x:900:\n' > "$root/etc/group"
chown 900:900 "$root/var/lib/vantage-agent"
chmod 0700 "$root/var/lib/vantage-agent"
chmod 1777 "$root/tmp"
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/lintian"
ldconfig -r "$root"

python3 "$here/seccomp_profile.py" "$here/../../debian/vantage-agent.service" \
  > "$debdir/vantage-agent.seccomp.json"
profile=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' \
  "$debdir/vantage-agent.seccomp.json")

podman rmi -f "$tag" >/dev/null 2>&1 || true
tar -C "$root" --numeric-owner -c . | podman import -q \
  --change 'USER=vantage' \
  --change 'WORKDIR=/var/lib/vantage-agent' \
  --change 'ENTRYPOINT=["/usr/bin/vantage-agent"]' \
  --change 'CMD=["--config","/etc/vantage/agent.conf"]' \
  --change 'VOLUME=/var/lib/vantage-agent' \
  --change "LABEL=io.containers.seccomp.profile=$profile" \
  --change "LABEL=org.opencontainers.image.version=$ver" \
  --message "vantage-agent $ver from its Debian package" - "$tag" >/dev/null
rm -f "$debdir"/vantage-agent-oci_*.tar
podman save -q --format oci-archive -o "$debdir/vantage-agent-oci_${ver}.tar" "$tag"
echo "build-image: $tag ($(du -h "$debdir/vantage-agent-oci_${ver}.tar" | cut -f1) as $debdir/vantage-agent-oci_${ver}.tar)"
