#!/bin/sh
# Remove what install.sh added: exactly the files, links and (now empty) folders listed in
# .install-manifest beside this script. Your visrec profile (the encrypted data folder) is not
# touched: delete it with `visrec erase` first if you want it gone. Then delete this folder.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
MANIFEST=$HERE/.install-manifest
if [ ! -f "$MANIFEST" ]; then
  echo "uninstall.sh: nothing to remove (no $MANIFEST; install.sh was not run from here)"
  exit 0
fi

# Files and links first, then folders innermost first (only if empty: something else may
# have been put there since).
while IFS= read -r line; do
  kind=${line%% *}; path=${line#* }
  case $kind in
    f) [ -f "$path" ] && rm -f "$path" ;;
    l) [ -L "$path" ] && rm -f "$path" ;;
  esac
done < "$MANIFEST"
grep '^d ' "$MANIFEST" | sed 's/^d //' | sort -r | while IFS= read -r dir; do
  rmdir "$dir" 2>/dev/null || true
done
rm -f "$MANIFEST"
echo "visrec's menu entry, icons and command link are removed. Delete $HERE to remove the app."
