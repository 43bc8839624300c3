package dev.harmonics.ffi.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryExtractorTest {

  private static final String DIR = "dev/harmonics/ffi/loader/sample/";
  private static final List<String> FILES = List.of("one.txt", "two.txt");

  @TempDir
  Path cache;

  private Path extract() throws Exception {
    return NativeLibraryExtractor.extract("sample", getClass().getClassLoader(), DIR, FILES, cache);
  }

  @Test
  void extractsOnceIntoAContentNamedDirectoryAndReusesIt() throws Exception {
    Path first = extract();
    assertTrue(first.getFileName().toString().matches("sample-[0-9a-f]{16}"), first.toString());
    assertEquals("first file\n", Files.readString(first.resolve("one.txt")));
    assertEquals("second file, a little longer\n", Files.readString(first.resolve("two.txt")));
    var modified = Files.getLastModifiedTime(first.resolve("one.txt"));
    Path second = extract();
    assertEquals(first, second);
    assertEquals(modified, Files.getLastModifiedTime(second.resolve("one.txt")), "not rewritten");
    assertEquals(1, countEntries(cache), "no staging directory left behind");
  }

  @Test
  void concurrentExtractionsAgreeAndLeaveOneDirectory() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return extract();
        }));
      }
      start.countDown();
      Set<Path> distinct = new HashSet<>();
      for (Future<Path> result : results) {
        distinct.add(result.get());
      }
      assertEquals(1, distinct.size(), distinct.toString());
      Path dir = distinct.iterator().next();
      assertEquals("first file\n", Files.readString(dir.resolve("one.txt")));
      assertEquals(1, countEntries(cache), "losers' staging directories are removed");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMissingResourceIsNamed() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> NativeLibraryExtractor.extract("sample", getClass().getClassLoader(), DIR,
            List.of("one.txt", "absent.so"), cache));
    assertTrue(e.getMessage().contains(DIR + "absent.so"), e.getMessage());
  }

  private static long countEntries(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }
}
