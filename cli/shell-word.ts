/**
 * A command the CLI tells the user to type next (`feedback-lab score … --resume FILE`) is copied
 * and pasted as it is printed, so a path with a space or a quote in it must come out as one
 * shell word. POSIX single quotes keep everything literal; a quote inside is closed, escaped and
 * reopened. Plain paths stay unquoted, as people write them. Every word given here is a path: one
 * that starts with "-" gets "./" before it, or the pasted command reads it as an option (audit R209-5).
 */
export function shellWord(text: string): string {
  const path = text.startsWith('-') ? `./${text}` : text;
  if (/^[\w@%+=:,./-]+$/.test(path)) return path;
  return `'${path.replaceAll("'", `'\\''`)}'`;
}
