# Chart of bench/load results: 2xx/s and P99 by configuration (two panels).
# gnuplot -e "datafile='chart.dat'; outfile='chart.png'" chart.gp
set terminal pngcairo size 1200,900 font "sans,10"
set output outfile
set multiplot layout 2,1 title "Load benchmark on this machine (same run): wrk, loopback, fixed connections"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set grid ytics
set xtics rotate by -30 nomirror
set key off
set ylabel "2xx responses / s (log scale)"
set logscale y
set title "Throughput (higher is better)"
set yrange [*:*]
plot datafile using 2:xtic(1) linecolor rgb "#3b7dd8", \
     '' using 0:2:(sprintf("%.0f", $2)) with labels offset 0,0.7 font "sans,8"
set ylabel "P99 latency, ms (log scale)"
set title "P99 latency (lower is better)"
set yrange [*:*]
plot datafile using 3:xtic(1) linecolor rgb "#d8703b", \
     '' using 0:3:(sprintf("%.1f", $3)) with labels offset 0,0.7 font "sans,8"
unset multiplot
