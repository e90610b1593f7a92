package io.h5image.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A bounded mutation-fuzz campaign over the object model ({@code H5File}, groups, datasets, attributes) and
 * {@code H5Image.inspect} / {@code deserialize}: about 2,400 mutated images (see {@link FuzzWorker}), each opened,
 * walked and read as a user would, in child JVMs so that a crash or a hang is caught and its image kept.
 * Every call must succeed or throw an {@code H5Exception}; a crash, a hang or any other throwable fails the test,
 * and the images are left in {@code target/fuzz-reproducers} with a {@code .txt} each (mutation, trace, hs_err).
 * <p>
 * Deterministic: image {@code i} depends on the campaign seed and {@code i} alone. {@code -Dh5image.fuzz.seed},
 * {@code -Dh5image.fuzz.images}, {@code -Dh5image.fuzz.batch} and {@code -Dh5image.fuzz.maxSeconds} change the
 * campaign; {@code bin/fuzz} runs a long one.
 */
class FuzzObjectModelTest {

    @Test
    void mutatedImagesEitherReadOrThrowH5ExceptionNeverCrashHangOrThrowAnythingElse() throws Exception {
        Path out = Path.of("target", "fuzz-reproducers");
        deleteRecursively(out);
        FuzzWorker.Campaign.Config config = new FuzzWorker.Campaign.Config();
        config.images = Long.getLong("h5image.fuzz.images", 2400);
        config.seed = Long.getLong("h5image.fuzz.seed", 20260101L);
        config.batch = Integer.getInteger("h5image.fuzz.batch", 800);
        config.out = out;
        config.classpath = System.getProperty("java.class.path");
        config.hang = Duration.ofSeconds(8); // a mutated image takes < 0.6 s here; 8 s is a hang
        // Bounded: no new child starts after this, so CI time stays bounded whatever the machine.
        config.maxTime = Duration.ofSeconds(Long.getLong("h5image.fuzz.maxSeconds", 75));
        config.progressSeconds = 15;
        config.confirmPerSignature = 1; // re-run the first crash or hang of each kind alone; count the rest
        FuzzWorker.Campaign.Summary s = new FuzzWorker.Campaign(config, System.out::println).run();
        String report = s.report();
        System.out.println(report);

        long floor = Math.min(config.images, 500);
        long newCrashes = unknown(s.crashes);
        long newHangs = unknown(s.hangs);
        assertAll("fuzz campaign, reproducers in " + out.toAbsolutePath() + "\n" + report,
                () -> assertEquals(0, newCrashes, "child JVMs crashed on mutated images in a way not yet known (see KNOWN)"),
                () -> assertEquals(0, newHangs, "mutated images hung a reader in a way not yet known (see KNOWN)"),
                () -> assertEquals(0, s.unexpected(), "calls threw something other than an H5Exception"),
                () -> assertTrue(s.images >= floor, () -> "only " + s.images + " images ran (at least " + floor
                        + " expected): the campaign tested too little"),
                () -> assertTrue(s.ok > 0 && s.openedByArray > 0, "no call ever succeeded: the worker is broken"));
    }

    /**
     * Crash or hang signatures tolerated here (counted and printed, never hidden) while their fix is
     * open. None now: the last kinds (glibc {@code free()} faults after a corrupt dense link index,
     * libhdf5's global heap code) are prevented by reading those structures in Java first, and the
     * long runs after that (270,000 images over both libraries, children under {@code MALLOC_PERTURB_})
     * crashed and hung on none. Any crash or hang fails this test.
     */
    static final List<String> KNOWN = List.of();

    private static long unknown(java.util.Map<String, FuzzWorker.Campaign.Incidents> incidents) {
        long count = 0;
        for (var entry : incidents.entrySet()) {
            String signature = entry.getKey();
            if (KNOWN.stream().noneMatch(signature::contains)) count += entry.getValue().count;
        }
        return count;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
