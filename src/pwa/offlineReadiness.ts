// Checks that the app and the model in use are really available offline before the app says "Ready offline".

export interface OfflineReadiness {
  ready: boolean;
  /** Bytes of the model in use that are on this device (cached or stored). */
  modelBytes: number;
  missing: string[];
}

/** Where the model in use is: a served model.json (cached by the service worker) or stored by an import. */
export type ModelFilesAt = { kind: 'url'; url: string } | { kind: 'stored'; bytes: number };

async function cachedResponse(url: string): Promise<Response | undefined> {
  // Workbox stores unhashed files with a revision query; match on the path.
  return caches.match(url, { ignoreSearch: true });
}

/** A cached file's size without reading 4 MiB shards into memory: the header, else the body's blob. */
async function sizeOf(response: Response): Promise<number> {
  const header = Number(response.headers.get('content-length'));
  return Number.isFinite(header) && header > 0 ? header : (await response.blob()).size;
}

/**
 * Precache install is all-or-nothing and tells the page nothing when it fails, so look at the cache
 * itself: the app's page, and for a served model its model.json and every shard it names. An imported
 * model is kept in the origin-private file system by the import itself, so only the app must be cached.
 */
export async function checkOffline(model: ModelFilesAt, appUrl: string): Promise<OfflineReadiness> {
  if (typeof caches === 'undefined')
    return { ready: false, modelBytes: 0, missing: ['(this browser has no offline cache)'] };
  const missing: string[] = [];
  if (!(await cachedResponse(appUrl))) missing.push('the app itself');
  if (model.kind === 'stored') return { ready: missing.length === 0, modelBytes: model.bytes, missing };
  const json = await cachedResponse(model.url);
  if (!json) return { ready: false, modelBytes: 0, missing: [...missing, 'model.json'] };
  const text = await json.text();
  let modelBytes = new TextEncoder().encode(text).byteLength;
  const manifest =
    (JSON.parse(text) as { weightsManifest?: Array<{ paths: string[] }> }).weightsManifest ?? [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const shard = await cachedResponse(new URL(path, model.url).href);
      if (!shard) missing.push(path);
      else modelBytes += await sizeOf(shard);
    }
  }
  return { ready: missing.length === 0, modelBytes, missing };
}
