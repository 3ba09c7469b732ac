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
first=$(mktemp)
all=$(mktemp)
trap 'rm -f "$first" "$all"' EXIT
run="java"
[ -n "${DISPLAY:-}" ] || run="xvfb-run -a java"
props="-Dfinescope.startupClasses=false -Dfinescope.preferences=dev/finescope/startup-list"
# the classes up to the first heatmap, then those of the bench's whole scenario
$run -Xlog:class+load:file="$first" $props -Dfinescope.smokeTest=true -jar target/finescope.jar >/dev/null
$run -Xlog:class+load:file="$all" $props -cp target/finescope.jar dev.finescope.ui.StallBench --steps 5 >/dev/null
names() {
    awk '/source: shared objects file/ || /__JVM_LookupDefineClass__/ {next}
         $2 ~ /\/0x|\$\$Lambda|^jdk\.internal\.reflect\.Generated|^dev\.finescope\.(Main|StartupClasses)$|StallBench/ {next}
         !seen[$2]++ {print $2}' "$1"
}
names "$first" > "$first.names"
trap 'rm -f "$first" "$all" "$first.names"' EXIT
out=src/main/resources/dev/finescope/startup-classes.txt
{
    echo "# Classes loaded from launch to the first heatmap, then (after '# then') those of the other tabs, a run"
    echo "# and a second analysis; written by src/main/scripts/startup-classes.sh"
    cat "$first.names"
    echo "# then"
    names "$all" | grep -vxF -f "$first.names" || true
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$(grep -vc '^#' "$out") classes in $out"
