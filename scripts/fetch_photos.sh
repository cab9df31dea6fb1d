#!/usr/bin/env bash
# fetch_photos.sh DEST — collect real camera photographs shipped in Debian 12
# packages, without installing those packages.
#
# Each package below is fetched with `apt-get download` into a temporary
# directory, unpacked with `dpkg-deb -x`, and the listed files are copied flat
# into DEST as <package>__<name>.<ext>. DEST/LICENSES.md records each package's
# version and the License: lines of its debian/copyright. DEST/.complete marks
# a finished run; when it exists the script does nothing.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/fetch_photos.sh [--help] DEST

Collects ~80 natural photographs (JPEG/PNG) from Debian 12 packages into DEST,
using apt-get download + dpkg-deb -x (nothing is installed). Needs root or
write access to DEST, apt sources, and ~320 MB of downloads on the first run.
Does nothing if DEST/.complete exists.
EOF
}

die() { echo "fetch_photos.sh: error: $*" >&2; exit 1; }

case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    "") usage >&2; die "missing DEST argument" ;;
    -*) die "unknown option '$1' (see --help)" ;;
esac
[ $# -eq 1 ] || die "expected exactly one argument DEST, got $#"
DEST=$1

if [ -f "$DEST/.complete" ]; then
    n=$(find "$DEST" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' \) | wc -l)
    echo "fetch_photos: $DEST already complete ($n photos), nothing to do"
    exit 0
fi

for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null || die "'$tool' not found (this script needs Debian's apt/dpkg)"
done

# The selection: one line per package: PACKAGE | DIR inside the .deb | FILES.
# Only camera photographs were kept; abstract/rendered wallpapers, logos,
# drawings, charts and near-duplicates were left out after looking at them.
# A FILE with a '/' (plasma's Name/contents/images/WxH.jpg layout) is named
# after its first path component.
SELECTION='
mate-backgrounds | usr/share/backgrounds/mate/nature | Aqua.jpg Blinds.jpg Dune.jpg FreshFlower.jpg Garden.jpg GreenMeadow.jpg LadyBird.jpg RainDrops.jpg Storm.jpg TwoWings.jpg Wood.jpg YellowFlower.jpg
plasma-workspace-wallpapers | usr/share/wallpapers | BytheWater/contents/images/1920x1080.jpg ColdRipple/contents/images/1920x1080.jpg ColorfulCups/contents/images/2560x1600.jpg DarkestHour/contents/images/1920x1080.jpg EveningGlow/contents/images/1920x1080.jpg FallenLeaf/contents/images/1920x1080.jpg Grey/contents/images/1920x1080.jpg Kite/contents/images/1920x1080.jpg OneStandsOut/contents/images/1920x1080.jpg Path/contents/images/1920x1080.jpg summer_1am/contents/images/1920x1080.jpg
lomiri-wallpapers-16.04 | usr/share/backgrounds | Bridge_by_Sander_Klootwijk.jpg Dragonfly_by_Bolly.jpg Picture_0B_by_freespace.jpg Picture_1A_by_freespace.jpg Wine_by_Jakkub_Mede.jpg aitzgorri_by_Aitzol_Berasategi.jpg free_by_Peter_Nerlich.jpg friends_by_Aitzol_Berasategi.jpg greentock_by_Peter_Nerlich.jpg life_by_Aitzol_Berasategi.jpg picosdeeuropa_by_Aitzol_Berasategi.jpg seeding_by_Clements_Engelhardt.jpg sunset_by_Aitzol_Berasategi.jpg
lomiri-wallpapers-20.04 | usr/share/backgrounds | Kleiber_by_Lukas_Baubkus.jpg
lxqt-themes | usr/share/lxqt/wallpapers | Butterfly-Kenneth-Wimer.jpg Valendas.png after-the-rain.jpg appleflower.png beam.png butterfly.png cloud.png drop.png flowers.png fog.jpg this-is-not-windows.jpg
python3-skimage | usr/lib/python3/dist-packages/skimage/data | astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png moon.png motorcycle_left.png rocket.jpg text.png
opencv-doc | usr/share/doc/opencv-doc/examples/data | aero1.jpg aloeL.jpg apple.jpg baboon.jpg basketball1.png board.jpg box_in_scene.png building.jpg butterfly.jpg chicky_512.png ela_original.jpg fruits.jpg home.jpg leuvenA.jpg licenseplate_motion.jpg messi5.jpg orange.jpg rubberwhale1.png squirrel_cls.jpg stuff.jpg
'
PACKAGES=$(printf '%s\n' "$SELECTION" | awk -F'|' 'NF==3 {gsub(/ /,"",$1); print $1}')

mkdir -p "$DEST" || die "cannot create $DEST"
DEST=$(cd "$DEST" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fetch_photos.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# apt-get download writes into the current directory; it warns (harmlessly)
# about running unsandboxed as root, so its chatter goes to a log.
download() { (cd "$TMP" && apt-get download $PACKAGES) >"$TMP/apt.log" 2>&1; }
if ! download; then
    apt-get update -qq >>"$TMP/apt.log" 2>&1 || true
    download || { tail -n 5 "$TMP/apt.log" >&2; die "apt-get download failed for: $(echo $PACKAGES)"; }
fi

LIC="$DEST/LICENSES.md"
{
    echo "# Photo licences"
    echo
    echo "Photos in this folder were copied unmodified from these Debian 12 packages"
    echo "(file name = <package>__<original name>). Licence lines are the License:"
    echo "fields of each package's usr/share/doc/<package>/copyright; see that file"
    echo "(inside the .deb) for which licence covers which file."
} >"$LIC"

count=0
missing=0
while IFS='|' read -r pkg dir files; do
    pkg=${pkg// /}; dir=${dir// /}
    [ -n "$pkg" ] || continue
    deb=$(ls "$TMP/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
    [ -n "$deb" ] || die "no .deb downloaded for $pkg"
    root="$TMP/root"
    rm -rf "$root"
    dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x failed on $deb"
    version=$(dpkg-deb -f "$deb" Version)
    taken=()
    for f in $files; do
        src="$root/$dir/$f"
        if [ ! -f "$src" ]; then
            echo "fetch_photos: warning: $pkg $version has no $dir/$f, skipped" >&2
            missing=$((missing + 1))
            continue
        fi
        if [[ $f == */* ]]; then name="${f%%/*}.${f##*.}"; else name=$f; fi
        cp "$src" "$DEST/${pkg}__${name}"
        taken+=("${pkg}__${name}")
        count=$((count + 1))
    done
    {
        echo
        echo "## $pkg $version"
        echo
        echo "Files taken from /$dir: ${#taken[@]}"
        echo
        echo "Licence lines in usr/share/doc/$pkg/copyright:"
        echo
        copyright="$root/usr/share/doc/$pkg/copyright"
        if [ -f "$copyright" ]; then
            { grep -E '^License:' "$copyright" || true; } | sed 's/[[:space:]]*$//' | sort -u | sed 's/^/- /'
        else
            echo "- (no copyright file found in the package)"
        fi
    } >>"$LIC"
    rm -rf "$root" "$deb"
done <<<"$SELECTION"

[ "$count" -gt 0 ] || die "no photos were copied"
touch "$DEST/.complete"
echo "fetch_photos: copied $count photos from $(echo $PACKAGES | wc -w) Debian packages into $DEST" \
     "($missing missing; licences in $LIC)"
