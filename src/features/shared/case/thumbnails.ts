// Object URLs for case thumbnails, one per case for the app's lifetime: a case's thumbnail never changes
// (its id is the image's hash), and re-reading the library must not re-create hundreds of URLs.

const urls = new Map<string, string>();

export function thumbnailUrl(caseId: string, thumbnail: Blob): string {
  let url = urls.get(caseId);
  if (!url) {
    url = URL.createObjectURL(thumbnail);
    urls.set(caseId, url);
  }
  return url;
}
