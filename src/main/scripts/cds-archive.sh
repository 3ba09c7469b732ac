#!/usr/bin/env bash
# Writes an AppCDS archive next to finescope.jar (target/finescope.jsa by default): the classes the app loads
# until its first heatmap and for its other tabs (the list of src/main/scripts/startup-classes.sh), parsed and
# verified once, so that later starts map them instead of loading them. No display is needed: the classes are
# loaded by dev.finescope.StartupClasses, not by opening the window.
#
#   src/main/scripts/cds-archive.sh [JAR] [JAVA]
#
# Use it with: java -XX:SharedArchiveFile=target/finescope.jsa -jar target/finescope.jar
# The archive belongs to that JVM and to that class path as it was named (target/finescope.jar, and
# target/lib/*.jar as they are now): make it again after every build. A JVM that finds it stale warns and
# starts without it.
set -euo pipefail
jar=${1:-target/finescope.jar}
java=${2:-java}
jsa=${jar%.jar}.jsa
if [ ! -f "$jar" ]; then
    echo "$jar: no such jar; build it first (mvn -B -DskipTests package)" >&2
    exit 2
fi
rm -f "$jsa"
"$java" -XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=error -Xlog:cds+dynamic=error -cp "$jar" \
    dev.finescope.StartupClasses
ls -l "$jsa"
