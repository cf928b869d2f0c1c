/** Hands text to the browser as a file download, as a link with `download` would. */
export function saveFile(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the blob after this returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
