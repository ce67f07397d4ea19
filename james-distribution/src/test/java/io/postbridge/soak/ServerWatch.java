package io.postbridge.soak;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.WebAdmin;

/**
 * Samples the server process once a second, from the outside only: resident memory (VmRSS, VmHWM) and open file
 * descriptors from {@code /proc/<pid>}, and the size of every mail queue that WebAdmin lists ({@code /mailQueues},
 * whatever the queues are called after other changes).
 */
final class ServerWatch implements AutoCloseable {
    private final WebAdmin webAdmin;
    private final LongSupplier pid;
    private final long startMillis = System.currentTimeMillis();
    private final Thread thread;
    private volatile boolean running = true;

    private volatile long maxRssKb;
    private volatile long maxHwmKb;
    private volatile int maxFds;
    private final Map<String, Long> maxQueue = new ConcurrentHashMap<>();
    /** CPU time (user + system, clock ticks) last read for each server process, the killed ones included. */
    private final Map<Long, Long> cpuTicks = new ConcurrentHashMap<>();
    private final List<String> timeline = java.util.Collections.synchronizedList(new ArrayList<>());

    private final java.util.function.Supplier<String> progress;

    /** {@code progress} is printed with the sample every 10 s (for a long run's log). */
    ServerWatch(WebAdmin webAdmin, LongSupplier pid, java.util.function.Supplier<String> progress) {
        this.webAdmin = webAdmin;
        this.pid = pid;
        this.progress = progress;
        thread = new Thread(this::run, "soak-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        long process = pid.getAsLong();
        long rss = -1;
        int fds = -1;
        if (process > 0) {
            cpuTicks(process);
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = kb(line);
                        maxRssKb = Math.max(maxRssKb, rss);
                    } else if (line.startsWith("VmHWM:")) {
                        maxHwmKb = Math.max(maxHwmKb, kb(line));
                    }
                }
                String[] open = new File("/proc/" + process + "/fd").list();
                if (open != null) {
                    fds = open.length;
                    maxFds = Math.max(maxFds, fds);
                }
            } catch (Exception e) {
                // the process is gone (a kill -9 or a restart in progress)
            }
        }
        Map<String, Long> queues = new TreeMap<>();
        try {
            for (JsonNode name : webAdmin.getJson("/mailQueues")) {
                long size = webAdmin.getJson("/mailQueues/" + name.asText()).path("size").asLong(-1);
                queues.put(name.asText(), size);
                maxQueue.merge(name.asText(), size, Math::max);
            }
        } catch (Exception e) {
            // WebAdmin down (restart)
        }
        String row = String.format("%5ds  rss %5d MB  fds %5d  queues %s", (System.currentTimeMillis() - startMillis) / 1000,
            rss < 0 ? -1 : rss / 1024, fds, queues.isEmpty() ? "(server down)" : queues);
        timeline.add(row);
        if (timeline.size() % 10 == 1) {
            System.out.println("soak: " + row + "  " + progress.get());
        }
    }

    /**
     * CPU seconds used by the server processes so far (every start counted, a killed one up to its last sample), read
     * from {@code /proc/<pid>/stat}: unlike wall-clock time this hardly depends on what else runs on the machine.
     */
    double serverCpuSeconds() {
        long process = pid.getAsLong();
        if (process > 0) {
            cpuTicks(process);
        }
        return cpuTicks.values().stream().mapToLong(Long::longValue).sum() / (double) TICKS_PER_SECOND;
    }

    /** CPU seconds of one server process now (its start-up cost when read at "ready"). */
    static double cpuSecondsOf(long process) {
        long ticks = readTicks(process);
        return ticks < 0 ? -1 : ticks / (double) TICKS_PER_SECOND;
    }

    private void cpuTicks(long process) {
        long ticks = readTicks(process);
        if (ticks >= 0) {
            cpuTicks.merge(process, ticks, Math::max);
        }
    }

    /** utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name). */
    private static long readTicks(long process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    /** USER_HZ: 100 on Linux for every architecture the build runs on. */
    private static final int TICKS_PER_SECOND = 100;

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    List<String> lines(int maxTimelineRows) {
        List<String> out = new ArrayList<>();
        out.add(String.format("server process: resident memory high-water (VmHWM) %d MB, max VmRSS sampled %d MB (JVM -Xmx512m);"
            + " max open file descriptors %d", maxHwmKb / 1024, maxRssKb / 1024, maxFds));
        out.add("max queue depth per queue: " + new TreeMap<>(maxQueue));
        List<String> rows;
        synchronized (timeline) {
            rows = new ArrayList<>(timeline);
        }
        int step = Math.max(1, (rows.size() + maxTimelineRows - 1) / maxTimelineRows);
        out.add("queue depths over time (every " + step + " s):");
        Map<Integer, String> picked = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i += step) {
            picked.put(i, rows.get(i));
        }
        if (!rows.isEmpty()) {
            picked.put(rows.size() - 1, rows.get(rows.size() - 1));
        }
        picked.values().forEach(row -> out.add("  " + row));
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
