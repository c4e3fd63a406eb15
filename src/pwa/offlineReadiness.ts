// Checks that a model's every file is really in the offline cache before the app says "Ready offline".

export interface OfflineReadiness {
  ready: boolean;
  /** Bytes of the model files found in the cache. */
  cachedBytes: number;
  missing: string[];
}

async function cachedResponse(url: string): Promise<Response | undefined> {
  // Workbox stores unhashed files with a revision query; match on the path.
  return caches.match(url, { ignoreSearch: true });
}

/**
 * Precache install is all-or-nothing and tells the page nothing when it fails, so look at the cache
 * itself: model.json and every shard it names.
 */
export async function checkModelOffline(modelJsonUrl: string): Promise<OfflineReadiness> {
  if (typeof caches === 'undefined')
    return { ready: false, cachedBytes: 0, missing: ['(this browser has no offline cache)'] };
  const json = await cachedResponse(modelJsonUrl);
  if (!json) return { ready: false, cachedBytes: 0, missing: ['model.json'] };
  const text = await json.text();
  let cachedBytes = text.length;
  const missing: string[] = [];
  const manifest =
    (JSON.parse(text) as { weightsManifest?: Array<{ paths: string[] }> }).weightsManifest ?? [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const shard = await cachedResponse(new URL(path, modelJsonUrl).href);
      if (!shard) missing.push(path);
      else cachedBytes += (await shard.arrayBuffer()).byteLength;
    }
  }
  return { ready: missing.length === 0, cachedBytes, missing };
}
