#!/usr/bin/env bash
# Builds FineScope's self-contained Linux app image (target/package/FineScope) and, where dpkg-deb exists,
# a .deb (target/package/finescope_<version>_<arch>.deb). See jlink-config/README.md for the how and why.
#
# Usage: jlink-config/package.sh [--no-deb] [--no-strip]
#   --no-deb     build the app image only
#   --no-strip   keep the symbol tables of the PyTorch libraries (85 MiB more, nothing gained at run time)
#
# Needs target/finescope.jar and target/lib/ (`mvn -B package`, or `mvn -Ppackage package`, which runs this
# script), and a JDK 17 or newer with jlink, jpackage and its jmods (Debian: openjdk-17-jmods).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=yes
strip_libs=yes
for arg in "$@"; do
    case "$arg" in
        --no-deb) deb=no ;;
        --no-strip) strip_libs=no ;;
        *) echo "package.sh: unknown option $arg (use --no-deb, --no-strip)" >&2; exit 2 ;;
    esac
done

fail() { echo "package.sh: $*" >&2; exit 1; }
step() { echo "package.sh: $* ($(( SECONDS - started )) s)"; }
started=$SECONDS

# --- the JDK whose jlink and jpackage build the image ---------------------------------------------------------
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink || command -v java)")")")}"
[ -x "$jdk/bin/jlink" ] && [ -x "$jdk/bin/jpackage" ] || fail "$jdk has no jlink or jpackage: set JAVA_HOME to a JDK 17+"
[ -f "$jdk/jmods/java.base.jmod" ] || fail "$jdk/jmods is missing: install the JDK's jmods (Debian: openjdk-17-jmods)"

# --- what the normal build made ----------------------------------------------------------------------------------
[ -f target/finescope.jar ] && [ -d target/lib ] || fail "target/finescope.jar or target/lib/ is missing: run mvn -B package first"
only() { # the one file matching a glob, or a clear failure
    local matches=( $1 )
    [ "${#matches[@]}" -eq 1 ] && [ -e "${matches[0]}" ] || fail "expected exactly one $1, found: ${matches[*]}"
    echo "${matches[0]}"
}
native_jar=$(only "target/lib/pytorch-native-cpu-*-linux-x86_64.jar")
jni_jar=$(only "target/lib/pytorch-jni-*.jar")
tokenizers_jar=$(only "target/lib/tokenizers-*.jar")
# pytorch-jni-<torch>-<djl>.jar: the PyTorch version and the DJL version that the JNI library was built for
jni_versions=$(basename "$jni_jar" .jar); jni_versions=${jni_versions#pytorch-jni-}
torch_version=${jni_versions%-*}
djl_version=${jni_versions##*-}
app_version=$(unzip -p target/finescope.jar META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([0-9.]*\).*/\1/p' | tr -d '\r')
app_version=${app_version:-0.1.0}

out=target/package
rm -rf "$out"
mkdir -p "$out"
work="$out/work"
input="$work/input"          # becomes lib/app/ of the image
native="$input/native"       # lib/app/native/: the unpacked native libraries
mkdir -p "$input/lib" "$native"

# --- 1. the Java runtime ------------------------------------------------------------------------------------
fx_jars=()
for m in base graphics controls swing; do
    fx_jars+=("$(only "target/lib/javafx-$m-*-linux.jar")")
done
modules=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' jlink-config/modules.txt | tr -d ' ' | paste -sd, -)
module_path="$jdk/jmods$(printf ':%s' "${fx_jars[@]}")"
step "jlink: $modules"
"$jdk/bin/jlink" --module-path "$module_path" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive \
    --exclude-resources='glob:/javafx.graphics/*.so' \
    --output "$work/runtime"
# JavaFX's native libraries: left out of the modules above, from which JavaFX would unpack them into
# ~/.openjfx/cache, and put next to the runtime's own, where it finds them.
(cd "$work/runtime/lib" && unzip -q -j -o "$OLDPWD/${fx_jars[1]}" '*.so')

# --- 2. the class path --------------------------------------------------------------------------------------
# JavaFX is in the runtime; PyTorch's native and JNI jars are replaced by the unpacked libraries below.
cp target/finescope.jar "$input/"
for jar in target/lib/*.jar; do
    case "$(basename "$jar")" in
        javafx-*|pytorch-native-*|pytorch-jni-*) ;;
        *) cp "$jar" "$input/lib/" ;;
    esac
done

# --- 3. the native libraries, unpacked once here instead of into ~/.djl.ai on the user's machine ------------
step "native libraries: PyTorch $torch_version, DJL $djl_version"
torch_dir="$native/pytorch/$torch_version-cpu-linux-x86_64"
mkdir -p "$torch_dir"
unzip -q -j -o "$native_jar" 'pytorch/cpu/linux-x86_64/*' -d "$torch_dir"
# DJL looks for its JNI library as <engine cache>/pytorch/<version>-<flavor>-<classifier>/<djl>-libdjl_torch.so.
# The CUDA flavors come too (4 MiB each), for users who bring a CUDA libtorch (README: Using a GPU).
for flavor in $(unzip -Z1 "$jni_jar" 'jnilib/linux-x86_64/*/libdjl_torch.so' | cut -d/ -f3); do
    dir="$native/pytorch/$torch_version-$flavor-linux-x86_64"
    mkdir -p "$dir"
    unzip -p "$jni_jar" "jnilib/linux-x86_64/$flavor/libdjl_torch.so" > "$dir/$djl_version-libdjl_torch.so"
done
mkdir -p "$native/tokenizers"
unzip -q -j -o "$tokenizers_jar" 'native/lib/linux-x86_64/cpu/libtokenizers.so' -d "$native/tokenizers"
# JNA (DJL asks CUDA through it) would unpack libjnidispatch.so into ~/.cache/JNA on every start, and creates
# that folder anyway unless jna.tmpdir names one that exists.
mkdir -p "$native/jna"
unzip -q -j -o "$(only "target/lib/jna-*.jar")" 'com/sun/jna/linux-x86-64/libjnidispatch.so' -d "$native/jna"
# The tokenizers jar without its four platforms' libraries (18 MiB → 0.2 MiB); its properties file stays.
(cd "$input/lib" && zip -q -d "$(basename "$tokenizers_jar")" 'native/lib/*/*' >/dev/null) \
    || echo "package.sh: zip is missing, the tokenizers jar keeps its libraries" >&2
if [ "$strip_libs" = yes ] && command -v strip >/dev/null 2>&1; then
    find "$native" -name '*.so*' -exec strip --strip-unneeded {} +
fi
chmod 644 $(find "$native" -type f)

# --- 4. the app image ---------------------------------------------------------------------------------------
# DJL reads these names as environment variables first, then as system properties: the launcher sets the
# properties, and a user's environment still wins (a CUDA libtorch: PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR).
java_options=(
    "-Dai.djl.offline=true"
    "-DENGINE_CACHE_DIR=\$APPDIR/native"
    "-DPYTORCH_LIBRARY_PATH=\$APPDIR/native/pytorch/$torch_version-cpu-linux-x86_64"
    "-DPYTORCH_VERSION=$torch_version"
    "-DPYTORCH_FLAVOR=cpu"
    "-DRUST_LIBRARY_PATH=\$APPDIR/native/tokenizers"
    "-Djna.boot.library.path=\$APPDIR/native/jna"
    "-Djna.tmpdir=\$APPDIR/native/jna"
    "--add-exports=javafx.base/com.sun.javafx.event=ALL-UNNAMED"
    "--add-exports=javafx.controls/com.sun.javafx.scene.control=ALL-UNNAMED"
    # the app's classes, mapped from an archive made below instead of loaded one by one; an archive that does
    # not fit (another path, another build) is passed over in silence
    "-XX:SharedArchiveFile=\$APPDIR/finescope.jsa"
    # C1 only: C2's compiles at start took a core from the window (training runs are JVMs of their own)
    "-XX:TieredStopAtLevel=1"
    "-Xlog:cds=off"
    "-Xlog:cds+dynamic=off"
)
jpackage_options=()
for o in "${java_options[@]}"; do
    jpackage_options+=(--java-options "$o")
done
step "jpackage app image"
"$jdk/bin/jpackage" --type app-image --dest "$out" \
    --name FineScope --app-version "$app_version" \
    --description "See and steer how fine-tuning changes a BERT-family model" \
    --vendor FineScope \
    --icon assets/finescope-icon.png \
    --runtime-image "$work/runtime" \
    --input "$input" --main-jar finescope.jar --main-class dev.finescope.Main \
    "${jpackage_options[@]}"
image="$out/FineScope"
# The app opens the sample workspace it finds next to the folder of finescope.jar (lib/app → lib/).
mkdir -p "$image/lib/sample-models"
(cd sample-models && tar --exclude=runs -cf - .) | (cd "$image/lib/sample-models" && tar -xf -)

# --- 4b. the AppCDS archive ----------------------------------------------------------------------------------
# The classes of the app's start (the start-up class list), archived by the image's own JVM against the image's
# own class path. An archive names the jars by their absolute paths: the .deb makes it again where it installs.
cds_archive() {
    local app="$1"
    rm -f "$app/finescope.jsa"
    "$app/../runtime/bin/java" -XX:ArchiveClassesAtExit="$app/finescope.jsa" -Xlog:cds=error \
        -Xlog:cds+dynamic=error -cp "$app/finescope.jar" dev.finescope.StartupClasses >/dev/null
}
step "AppCDS archive"
cds_archive "$(cd "$image/lib/app" && pwd)"

# --- 5. the .deb --------------------------------------------------------------------------------------------
# Built with dpkg-deb rather than jpackage --type deb: jpackage runs ldd and dpkg -S over every library of the
# image (over 3 minutes here) and, where the build machine has Debian's own libtorch, makes the package depend on
# its 250 packages (OpenCV, Qt, GDAL …). Here Depends lists the packages of the libraries that the image's
# libraries need and do not bring, as found on the build machine (the CUDA libraries come from the user's
# libtorch and are left out).
deb_depends() {
    local needed provided patterns=()
    needed=$(find "$image" -name '*.so*' -type f -exec readelf -d {} + 2>/dev/null \
        | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
    provided=$(find "$image" -name '*.so*' -type f -printf '%f\n' | sort -u)
    for so in $(comm -23 <(echo "$needed") <(echo "$provided")); do
        case "$so" in
            libjvm.so|*cuda*|*nvrtc*|libcudnn*|libcublas*|libnv*) ;;
            *) patterns+=("*/$(uname -m)-linux-gnu/$so") ;;
        esac
    done
    { dpkg -S "${patterns[@]}" 2>/dev/null || true; } | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g'
}

if [ "$deb" = yes ]; then
    if command -v dpkg-deb >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
        stage="$work/deb"
        mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
            "$stage/usr/share/icons/hicolor/256x256/apps"
        cp -al "$image" "$stage/opt/finescope" 2>/dev/null || cp -a "$image" "$stage/opt/finescope"
        ln -s /opt/finescope/bin/FineScope "$stage/usr/bin/finescope"
        cp jlink-config/finescope.desktop "$stage/usr/share/applications/finescope.desktop"
        cp assets/finescope-icon.png "$stage/usr/share/icons/hicolor/256x256/apps/finescope.png"
        # the archive of the build names the build's paths: made again under /opt, and removed with the package
        rm -f "$stage/opt/finescope/lib/app/finescope.jsa"
        cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    app=/opt/finescope/lib/app
    "$app/../runtime/bin/java" -XX:ArchiveClassesAtExit="$app/finescope.jsa" -Xlog:cds=error \
        -Xlog:cds+dynamic=error -cp "$app/finescope.jar" dev.finescope.StartupClasses >/dev/null || true
fi
POSTINST
        cat > "$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
rm -f /opt/finescope/lib/app/finescope.jsa
PRERM
        chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
        cat > "$stage/DEBIAN/control" <<CONTROL
Package: finescope
Version: $app_version
Architecture: $(dpkg --print-architecture)
Maintainer: FineScope <finescope@localhost>
Section: science
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $(deb_depends)
Description: See and steer how fine-tuning changes a BERT-family model
 FineScope measures how far fine-tuning moved every weight matrix of a BERT-family model, shows it
 as a layer x sublayer heatmap, and plans and runs fine-tuning with learned sparse masks (PyTorch CPU
 build included). Desktop app and command line (finescope).
CONTROL
        # dpkg-deb's default, xz -6, takes over 15 minutes for these 500 MiB on two cores; zstd takes seconds for
        # 6 % more (268 MiB against 252 MiB for xz -1, 4 minutes). Debian 11 and older cannot unpack zstd: build
        # with DPKG_DEB_COMPRESSOR_TYPE=xz (or gzip: 282 MiB, 45 s) for them.
        if [ -z "${DPKG_DEB_COMPRESSOR_TYPE:-}" ]; then
            if dpkg-deb --help | grep -q zstd; then
                export DPKG_DEB_COMPRESSOR_TYPE=zstd
            else
                export DPKG_DEB_COMPRESSOR_TYPE=gzip
            fi
        fi
        step "dpkg-deb ($DPKG_DEB_COMPRESSOR_TYPE)"
        deb_file="$out/finescope_${app_version}_$(dpkg --print-architecture).deb"
        dpkg-deb --root-owner-group -b "$stage" "$deb_file" >/dev/null
    else
        echo "package.sh: dpkg-deb is missing: no .deb (the app image is complete)" >&2
    fi
fi

rm -rf "$work"
step "done"
du -sh "$image/lib/runtime" "$image" "$out"/*.deb 2>/dev/null || true
