package dev.serverlessrunner.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validating stdio host functions, against a real one-page guest memory. */
class GuestStdioTest {

  private static final int IOVEC = 0;
  private static final int RESULT = 16;
  private static final int BUFFER = 64;

  private final Memory memory = new ByteArrayMemory(new MemoryLimits(1, 1));
  private final BoundedOutput stdout = new BoundedOutput(8);
  private final BoundedOutput stderr = new BoundedOutput(8);
  private final GuestStdio stdio =
      new GuestStdio("hello world".getBytes(StandardCharsets.UTF_8), stdout, stderr);

  @Test
  void readCopiesStdinIntoGuestMemoryAcrossCalls() {
    iovec(BUFFER, 5);

    assertThat(stdio.fdRead(memory, 0, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.ESUCCESS);
    assertThat(memory.readInt(RESULT)).isEqualTo(5);
    assertThat(memory.readString(BUFFER, 5)).isEqualTo("hello");
    assertThat(stdio.fdRead(memory, 0, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.ESUCCESS);
    assertThat(memory.readString(BUFFER, 5)).isEqualTo(" worl");
  }

  @Test
  void readWithABufferPastTheEndOfMemoryFailsWithEfaultAndConsumesNothing() {
    iovec(BUFFER, 0x7FFFFFFF);

    assertThat(stdio.fdRead(memory, 0, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.EFAULT);
    iovec(BUFFER, 5);
    stdio.fdRead(memory, 0, IOVEC, 1, RESULT);
    assertThat(memory.readString(BUFFER, 5)).isEqualTo("hello");
  }

  @Test
  void readWithAnIovecArrayPastTheEndOfMemoryFailsWithEfault() {
    assertThat(stdio.fdRead(memory, 0, 65536 - 4, 1, RESULT)).isEqualTo(GuestStdio.EFAULT);
    assertThat(stdio.fdRead(memory, 0, IOVEC, -1, RESULT)).isEqualTo(GuestStdio.EFAULT);
  }

  @Test
  void readFromAnythingButStdinIsEbadf() {
    iovec(BUFFER, 5);

    assertThat(stdio.fdRead(memory, 1, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.EBADF);
    assertThat(stdio.fdRead(memory, 3, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.EBADF);
  }

  @Test
  void preadOnStdioIsEspipe() {
    assertThat(GuestStdio.fdPread(0)).isEqualTo(GuestStdio.ESPIPE);
    assertThat(GuestStdio.fdPread(7)).isEqualTo(GuestStdio.EBADF);
  }

  @Test
  void writeKeepsWhatFitsThenFailsWithEio() {
    memory.writeString(BUFFER, "0123456789");
    iovec(BUFFER, 10);

    assertThat(stdio.fdWrite(memory, 1, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.ESUCCESS);
    assertThat(memory.readInt(RESULT)).isEqualTo(8);
    assertThat(stdio.fdWrite(memory, 1, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.EIO);
    assertThat(new String(stdout.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("01234567");
    assertThat(stdout.truncated()).isTrue();
    assertThat(stderr.toByteArray()).isEmpty();
  }

  @Test
  void writeOfMemoryOutOfBoundsIsEfault() {
    iovec(65530, 100);

    assertThat(stdio.fdWrite(memory, 2, IOVEC, 1, RESULT)).isEqualTo(GuestStdio.EFAULT);
    assertThat(stderr.toByteArray()).isEmpty();
  }

  private void iovec(int address, int length) {
    memory.writeI32(IOVEC, address);
    memory.writeI32(IOVEC + 4, length);
  }
}
