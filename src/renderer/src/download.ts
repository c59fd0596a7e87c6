/** Hands a file to the browser (or Electron) as a download: bytes from base64, or text. */
export function saveFile(filename: string, content: { base64: string } | { text: string }, type: string): void {
  const body = 'base64' in content ? Uint8Array.from(atob(content.base64), (c) => c.charCodeAt(0)) : content.text;
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
