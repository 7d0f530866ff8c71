/**
 * A command the CLI tells the user to type next (`feedback-lab score … --resume FILE`) is copied
 * and pasted as it is printed, so a path with a space or a quote in it must come out as one
 * shell word. POSIX single quotes keep everything literal; a quote inside is closed, escaped and
 * reopened. Plain paths stay unquoted, as people write them.
 */
export function shellWord(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
