package dev.serverlessrunner.e2e.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instructions of a Dockerfile (comments dropped, continuation lines joined).
 *
 * @param path project-relative path of the file
 * @param instructions in order
 * @param comments the comment lines, without their #
 */
record Dockerfile(String path, List<Instruction> instructions, List<String> comments) {

  /** One instruction: its keyword upper-cased and the rest of the line. */
  record Instruction(String keyword, String arguments) {}

  static Dockerfile read(String relative) {
    List<Instruction> instructions = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : ProjectFiles.read(relative).lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#")) {
        comments.add(trimmed.substring(1).strip());
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String full = pending.toString().strip();
      pending.setLength(0);
      if (!full.isEmpty()) {
        int space = full.indexOf(' ');
        instructions.add(
            new Instruction(
                full.substring(0, space).toUpperCase(Locale.ROOT),
                full.substring(space + 1).strip()));
      }
    }
    return new Dockerfile(relative, List.copyOf(instructions), List.copyOf(comments));
  }

  /** Arguments of every instruction with {@code keyword}, in order. */
  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  /** Arguments of the last instruction with {@code keyword} (the one in force); fails if none. */
  String last(String keyword) {
    List<String> found = all(keyword);
    if (found.isEmpty()) {
      throw new AssertionError(path + " has no " + keyword + " instruction");
    }
    return found.get(found.size() - 1);
  }
}
