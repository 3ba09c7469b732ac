#!/bin/sh
# Writes src/main/resources/dev/finescope/startup-classes.txt: the classes the app loads from launch until its
# first heatmap on the sample workspace, in load order, that the JDK's shared archive does not already hold
# (generated classes left out). dev.finescope.StartupClasses loads them on a spare core at start.
# Needs a display or xvfb-run (apt-get install xvfb xauth libgtk-3-0) and the built-in base imported once.
# Run from anywhere: src/main/scripts/startup-classes.sh
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
mvn -q -B -o package -DskipTests || mvn -q -B package -DskipTests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run="java"
[ -n "${DISPLAY:-}" ] || run="xvfb-run -a java"
$run -Xlog:class+load:file="$log" -Dfinescope.smokeTest=true -Dfinescope.startupClasses=false -Dfinescope.preferences=dev/finescope/startup-list \
    -jar target/finescope.jar
out=src/main/resources/dev/finescope/startup-classes.txt
{
    echo "# Classes loaded from launch to the first heatmap; written by src/main/scripts/startup-classes.sh"
    awk '/source: shared objects file/ || /__JVM_LookupDefineClass__/ {next}
         $2 ~ /\/0x|\$\$Lambda|^jdk\.internal\.reflect\.Generated|^dev\.finescope\.(Main|StartupClasses)$/ {next}
         !seen[$2]++ {print $2}' "$log"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$(grep -vc '^#' "$out") classes in $out"
