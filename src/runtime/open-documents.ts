import { SharedArray } from 'k6/data';
import { loadDocumentLibrary, type DocumentLibrary, type LibraryDocument } from '../behaviour/documents';
import { refuse } from './refuse';
import { resolveUserPath, type Run } from './run';

/**
 * Loads each document-using test type's library with open(), once per process (init context only),
 * keyed by test type name. A missing file or a sampleSize beyond the files present fails the init
 * with the library's own message, before anything is provisioned.
 */
export function loadLibraries(run: Run): Record<string, DocumentLibrary> {
  const out: Record<string, DocumentLibrary> = {};
  for (const [i, type] of run.config.spec.testTypes.entries()) {
    const lib = type.documentLibrary;
    if (!lib || !lib.enabled) continue;
    // One element per document: a VU deserialises only the document it picks, not the whole library.
    const documents = new SharedArray<LibraryDocument>(`documents:${type.name}`, () => {
      try {
        return loadDocumentLibrary(lib, run.config.spec.documents.root, (path) => open(resolveUserPath(path))).documents.slice();
      } catch (err) {
        return refuse(`spec.testTypes[${i}].documentLibrary: ${(err as Error).message}`);
      }
    });
    out[type.name] = { bucketName: lib.bucketName, documents: documents as unknown as readonly LibraryDocument[] };
  }
  return out;
}
