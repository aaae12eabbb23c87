#!/usr/bin/env bash
# Prove the release artifacts on clean systems (CI runs this after `build.py --release`):
#  1. the .tar.xz, unpacked into an empty folder: `visrec --self-test` with an empty environment
#     (env -i), then install.sh / uninstall.sh in an empty HOME, which must be empty again after;
#  2. the .deb, installed with apt into a fresh minimal Debian root made by debootstrap (the
#     host's release and mirror), so its Depends must pull in everything the app needs:
#     `visrec --self-test` there, then `apt-get purge` + autoremove, after which no file of the
#     package may be left.
# Needs root (debootstrap, chroot), network access to the Debian mirror, and debootstrap.
#   bash packaging/test_release.sh [dist/release]
set -euo pipefail
cd "$(dirname "$0")/.."
REL=$(realpath "${1:-dist/release}")
TARBALL=$(ls "$REL"/visrec-*-linux-x86_64.tar.xz)
DEB=$(ls "$REL"/visrec_*_amd64.deb)
WORK=$(mktemp -d /tmp/visrec-release-test.XXXXXX)
ROOTFS=$WORK/rootfs
cleanup() {
  mountpoint -q "$ROOTFS/proc" 2>/dev/null && umount "$ROOTFS/proc"
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
selftest_ok() {  # reads the JSON report on stdin
  python3 -c 'import json,sys; r=json.load(sys.stdin); c=r["checks"];
print("  frozen=%s, " % r["frozen"] + ", ".join("%s %s" % (k, "ok" if v["passed"] else "FAILED: " + v.get("error", "")) for k, v in c.items()));
sys.exit(0 if r["passed"] and r["frozen"] else 1)'
}

step "checksums"
(cd "$REL" && sha256sum -c SHA256SUMS)

step "tarball: unpack into an empty folder, self-test under env -i"
mkdir "$WORK/unpacked" "$WORK/home"
tar -C "$WORK/unpacked" -xJf "$TARBALL"
APPDIR=$(ls -d "$WORK"/unpacked/visrec-*)
(cd "$WORK/unpacked" && env -i "$APPDIR/visrec" --self-test --json) | selftest_ok \
  || fail "self-test of the unpacked tarball"
[ "$(env -i "$APPDIR/visrec" --version)" = "visrec $(basename "$APPDIR" | sed 's/^visrec-//')" ] \
  || fail "--version of the unpacked tarball"

step "tarball: install.sh and uninstall.sh in an empty HOME"
H=$WORK/home
before=$(cd "$H" && find . | sort)
env -i HOME="$H" PATH=/usr/bin:/bin sh "$APPDIR/install.sh"
for f in .local/share/applications/visrec.desktop .local/share/icons/hicolor/48x48/apps/visrec.png \
         .local/share/icons/hicolor/512x512/apps/visrec.png; do
  [ -f "$H/$f" ] || fail "install.sh did not create ~/$f"
done
grep -qxF "Exec=\"$APPDIR/visrec\"" "$H/.local/share/applications/visrec.desktop" \
  || fail "the desktop entry does not start $APPDIR/visrec"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$H/.local/share/applications/visrec.desktop"
fi
[ "$(env -i "$H/.local/bin/visrec" --version)" = "$(env -i "$APPDIR/visrec" --version)" ] \
  || fail "~/.local/bin/visrec does not start the app"
env -i HOME="$H" PATH=/usr/bin:/bin sh "$APPDIR/install.sh" >/dev/null  # twice is harmless
env -i HOME="$H" PATH=/usr/bin:/bin sh "$APPDIR/uninstall.sh"
after=$(cd "$H" && find . | sort)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") || true; \
  fail "uninstall.sh left files behind"; }
[ ! -e "$APPDIR/.install-manifest" ] || fail "the install manifest is left"
echo "  HOME is exactly as before install.sh"

step "deb: fresh Debian root (debootstrap, minbase)"
. /etc/os-release
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
debootstrap --variant=minbase "$VERSION_CODENAME" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" \
  || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $MIRROR $VERSION_CODENAME main
deb $MIRROR $VERSION_CODENAME-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $VERSION_CODENAME-security main
EOF
mount -t proc proc "$ROOTFS/proc" 2>/dev/null \
  || echo "  (no /proc in the root: this container may not mount; apt and the app do without)"
in_root() { chroot "$ROOTFS" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
in_root sh -c 'find / -xdev \( -path /proc -o -path /var/cache -o -path /var/lib/apt \
  -o -path /var/log -o -path /var/lib/dpkg -o -path /tmp \) -prune -o -print | sort' \
  >"$WORK/files-before"

step "deb: apt-get install (Depends resolved from the archive)"
cp "$DEB" "$ROOTFS/tmp/"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$DEB")" >"$WORK/apt.log" || { tail -30 "$WORK/apt.log"; fail "apt install"; }
grep -c "^Setting up" "$WORK/apt.log" | sed 's/^/  packages set up: /'

step "deb: visrec --self-test in the clean root (offscreen, empty environment)"
in_root sh -c 'cd /tmp && env -i /usr/bin/visrec --self-test --json' | selftest_ok \
  || fail "self-test of the installed .deb"
in_root /usr/bin/visrec --version
for f in /usr/share/applications/visrec.desktop /usr/share/icons/hicolor/256x256/apps/visrec.png \
         /usr/share/doc/visrec/copyright /usr/share/man/man1/visrec.1.gz; do
  [ -f "$ROOTFS$f" ] || fail "$f is not installed"
done
in_root dpkg -L visrec >"$WORK/deb-files"

step "deb: apt-get purge visrec and its dependencies"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove visrec \
  >"$WORK/purge.log" || { tail -20 "$WORK/purge.log"; fail "apt purge"; }
left=$(while read -r f; do [ "$f" = / ] || [ ! -e "$ROOTFS$f" ] || [ -d "$ROOTFS$f" ] \
  || echo "$f"; done <"$WORK/deb-files")
[ -z "$left" ] || fail "files of the package left after purge: $left"
[ ! -e "$ROOTFS/opt/visrec" ] || fail "/opt/visrec is left after purge"
in_root sh -c 'find / -xdev \( -path /proc -o -path /var/cache -o -path /var/lib/apt \
  -o -path /var/log -o -path /var/lib/dpkg -o -path /tmp \) -prune -o -print | sort' \
  >"$WORK/files-after"
# Nothing may be left outside the home folders; dpkg removing an empty folder that only this
# package used (/opt on a minimal root) is not a leftover. What running the app wrote into a
# home folder (settings, caches) is the user's, as with every Debian package, and is listed.
LC_ALL=C comm -13 "$WORK/files-before" "$WORK/files-after" >"$WORK/added"
grep -Ev '^/(root|home)(/|$)' "$WORK/added" >"$WORK/left" || true
[ ! -s "$WORK/left" ] || { cat "$WORK/left"; fail "files left in the root after purge (above)"; }
echo "  nothing of the package is left in the root"
if grep -E '^/(root|home)/' "$WORK/added" >"$WORK/home-files"; then
  echo "  written by running the app into the home folder (not package files):"
  sed 's/^/    /' "$WORK/home-files"
fi

step "all release checks passed"
