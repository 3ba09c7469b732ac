#!/bin/sh
# Writes src/main/resources/dev/finescope/startup-classes.txt: the classes the app loads, in load order, from
# launch through its first heatmap on the sample workspace and on through the window's other tabs, a short run
# and a second analysis (the scenario of dev.finescope.ui.StallBench); classes the JDK's shared archive already
# holds and generated classes are left out. dev.finescope.StartupClasses loads them on a spare core at start,
# those of the first heatmap first.
# Needs a display or xvfb-run (apt-get install xvfb xauth libgtk-3-0), the built-in base imported once, and
# about 1 GB under target/bench for the bench's BERT-base pair. Run from anywhere.
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
mvn -q -B -o package -DskipTests || mvn -q -B package -DskipTests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run="java"
[ -n "${DISPLAY:-}" ] || run="xvfb-run -a java"
$run -Xlog:class+load:file="$log" -Dfinescope.startupClasses=false -Dfinescope.preferences=dev/finescope/startup-list \
    -cp target/finescope.jar dev.finescope.ui.StallBench --steps 5 >/dev/null
out=src/main/resources/dev/finescope/startup-classes.txt
{
    echo "# Classes loaded from launch on; written by src/main/scripts/startup-classes.sh"
    awk '/source: shared objects file/ || /__JVM_LookupDefineClass__/ {next}
         $2 ~ /\/0x|\$\$Lambda|^jdk\.internal\.reflect\.Generated|^dev\.finescope\.(Main|StartupClasses)$|StallBench/ {next}
         !seen[$2]++ {print $2}' "$log"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$(grep -vc '^#' "$out") classes in $out"
