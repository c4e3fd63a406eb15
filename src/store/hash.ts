// Content fingerprint of a stored image: SHA-256 of its bytes, hex, via Web Crypto (browser and Node).

export async function sha256Hex(blob: Blob | ArrayBuffer | Uint8Array): Promise<string> {
  const bytes =
    blob instanceof Blob ? await blob.arrayBuffer() : blob instanceof Uint8Array ? blob.slice().buffer : blob;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
