# shellcheck shell=bash
# The arithmetic of the bench/ scripts' figures, in one place (bc, full precision; format when
# printing).
#   ratio A B        A / B
#   mean V...        the arithmetic mean
#   median V...      the median

ratio() { echo "$1 / $2" | bc -l; }

mean() {
    local sum=0 value
    for value in "$@"; do sum="$sum + $value"; done
    echo "($sum) / $#" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
