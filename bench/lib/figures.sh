# shellcheck shell=bash
# The arithmetic of the bench/ scripts' figures, in one place (bc, full precision; format when
# printing).
#   ratio A B        A / B
#   mean V...        the arithmetic mean
#   median V...      the median
#   margin V...      half the width of the mean's 95 % confidence interval (Student's t; 0 for
#                    fewer than two values): the mean is within ± this of the true one, 19 times
#                    in 20, if the values scatter independently around it
#   spread FORMAT NOUN V...   "mean ± margin (NOUN lowest–highest)", each number in FORMAT

ratio() { echo "$1 / $2" | bc -l; }

mean() {
    local sum=0 value
    for value in "$@"; do sum="$sum + $value"; done
    echo "($sum) / $#" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

margin() {
    printf '%s\n' "$@" | awk '
        { x[NR] = $1; sum += $1 }
        END {
            if (NR < 2) { print 0; exit }
            mean = sum / NR
            for (i = 1; i <= NR; i++) ss += (x[i] - mean) ^ 2
            # t(0.975) by degrees of freedom; 1.96 past 30.
            split("12.71 4.30 3.18 2.78 2.57 2.45 2.36 2.31 2.26 2.23 2.20 2.18 2.16 2.14 2.13 2.12 2.11 2.10 2.09 2.09 2.08 2.07 2.07 2.06 2.06 2.06 2.05 2.05 2.05 2.04", t, " ")
            df = NR - 1
            print (df <= 30 ? t[df] : 1.96) * sqrt(ss / df / NR)
        }'
}

spread() {
    local format=$1 noun=$2
    shift 2
    # shellcheck disable=SC2059 # the format is the caller's number format
    printf "$format ± $format ($noun $format–$format)" "$(mean "$@")" "$(margin "$@")" \
        "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"
}
