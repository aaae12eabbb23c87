#!/bin/sh
# Add visrec to your application menu (this user only): a desktop entry in
# ~/.local/share/applications, the icon in the hicolor theme under ~/.local/share/icons, and a
# `visrec` command in ~/.local/bin. The app stays in this folder and runs from here; nothing
# outside your home folder is touched and nothing is downloaded.
# Every file and folder this script creates is listed in .install-manifest beside it;
# ./uninstall.sh removes exactly those. Run this again after moving the folder.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN=$HOME/.local/bin
MANIFEST=$HERE/.install-manifest
APP=$HERE/visrec

[ -x "$APP" ] || { echo "install.sh: $APP is missing; unpack the whole archive" >&2; exit 1; }
if ! touch "$MANIFEST" 2>/dev/null; then
  echo "install.sh: cannot write $MANIFEST; unpack visrec in a folder you own" >&2
  exit 1
fi

ours() { grep -qxF "$1" "$MANIFEST"; }
record() { ours "$1" || printf '%s\n' "$1" >> "$MANIFEST"; }

# mkdir -p that records every folder it creates, outermost first.
make_dir() {
  [ -d "$1" ] && return 0
  make_dir "$(dirname "$1")"
  mkdir "$1"
  record "d $1"
}

# Install a file unless a file of the same name that is not ours is already there.
put() {  # put SOURCE TARGET MODE
  if [ -e "$2" ] || [ -L "$2" ]; then
    if ! ours "f $2"; then
      echo "install.sh: $2 exists and was not installed by visrec; left as it is" >&2
      return 0
    fi
  fi
  make_dir "$(dirname "$2")"
  cp "$1" "$2.tmp$$" && chmod "$3" "$2.tmp$$" && mv -f "$2.tmp$$" "$2"
  record "f $2"
}

# The desktop entry names this folder's executable, quoted and escaped as the Desktop Entry
# Specification says (a path may hold spaces, quotes, $ or %).
EXEC=$(printf '%s' "$APP" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')
TRYEXEC=$(printf '%s' "$APP" | sed -e 's/\\/\\\\/g')
export EXEC TRYEXEC
entry=$(mktemp)
trap 'rm -f "$entry"' EXIT
awk '/^Exec=/ { print "Exec=\"" ENVIRON["EXEC"] "\""; next }
     /^TryExec=/ { print "TryExec=" ENVIRON["TRYEXEC"]; next }
     { print }' "$HERE/share/applications/visrec.desktop" > "$entry"
put "$entry" "$DATA/applications/visrec.desktop" 644

for icon in "$HERE"/share/icons/hicolor/*/apps/visrec.png; do
  size=$(basename "$(dirname "$(dirname "$icon")")")
  put "$icon" "$DATA/icons/hicolor/$size/apps/visrec.png" 644
done

# The command line: a link in ~/.local/bin (on PATH in most desktop sessions).
if [ -e "$BIN/visrec" ] || [ -L "$BIN/visrec" ]; then
  if ours "l $BIN/visrec"; then
    ln -sfn "$APP" "$BIN/visrec"
  else
    echo "install.sh: $BIN/visrec exists and was not installed by visrec; left as it is" >&2
  fi
else
  make_dir "$BIN"
  ln -s "$APP" "$BIN/visrec"
  record "l $BIN/visrec"
fi

echo "visrec is in your application menu (the menu may need a moment to notice)."
case ":$PATH:" in
  *":$BIN:"*) echo "Run it from a terminal with: visrec" ;;
  *) echo "Run it from a terminal with: $APP   (or add $BIN to your PATH)" ;;
esac
echo "To remove it again: $HERE/uninstall.sh"
