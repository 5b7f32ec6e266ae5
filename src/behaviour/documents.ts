import type { Rng } from './random';

/** testTypes[].documentLibrary as configured. */
export interface DocumentLibrarySpec {
  enabled: boolean;
  bucketName: string;
  documentPaths: readonly string[];
  sampleSize: number;
}

/** One file the k6 side opens at init. */
interface DocumentFile {
  /** Relative path handed to k6's open(): `<root>/<bucketName>/<folder>/<NNN>.txt`. */
  path: string;
  /** The documentPaths entry it comes from, as configured. */
  folder: string;
  /** 1-based number of the file within its folder (NNN). */
  number: number;
}

/** A loaded document. */
export interface LibraryDocument {
  path: string;
  text: string;
}

/** The documents of one test type's library, loaded once per k6 process. */
export interface DocumentLibrary {
  bucketName: string;
  documents: readonly LibraryDocument[];
}

/** Largest sampleSize: file numbers have three digits. */
const MAX_SAMPLE_SIZE = 999;

function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charAt(start) === '/') start++;
  while (end > start && s.charAt(end - 1) === '/') end--;
  return s.slice(start, end);
}

function checkSegment(value: string, what: string): string {
  const trimmed = trimSlashes(value.trim());
  if (trimmed === '') throw new Error(`documentLibrary.${what} is empty (got "${value}")`);
  if (trimmed.split('/').indexOf('..') >= 0) throw new Error(`documentLibrary.${what} must stay inside the library: ".." is not allowed (got "${value}")`);
  return trimmed;
}

/**
 * The files a library loads. k6 cannot list a directory, so files are numbered: each folder of documentPaths
 * holds `001.txt`, `002.txt`, ... (three digits, from 001), and the library loads the first sampleSize of each
 * folder, so sampleSize 10 with two folders opens 20 files:
 * `<root>/<bucketName>/<folder>/001.txt` .. `<root>/<bucketName>/<folder>/010.txt`.
 */
export function documentFileNames(bucketName: string, documentPaths: readonly string[], sampleSize: number, root: string): DocumentFile[] {
  const bucket = checkSegment(bucketName, 'bucketName');
  if (documentPaths.length === 0) throw new Error(`documentLibrary "${bucketName}": documentPaths is empty; list at least one folder`);
  if (!Number.isInteger(sampleSize) || sampleSize < 1 || sampleSize > MAX_SAMPLE_SIZE) {
    throw new Error(`documentLibrary "${bucketName}": sampleSize must be an integer from 1 to ${MAX_SAMPLE_SIZE} (got ${sampleSize})`);
  }
  const base = root.replace(/\/+$/, '');
  const prefix = base === '' ? bucket : `${base}/${bucket}`;
  const files: DocumentFile[] = [];
  documentPaths.forEach((folder, i) => {
    const dir = checkSegment(folder, `documentPaths[${i}]`);
    for (let n = 1; n <= sampleSize; n++) files.push({ path: `${prefix}/${dir}/${String(n).padStart(3, '0')}.txt`, folder, number: n });
  });
  return files;
}

/** The error for a library file that could not be opened: which file, why it was expected, and the fixes. */
export function missingDocumentError(file: DocumentFile, sampleSize: number, cause?: unknown): Error {
  const last = String(sampleSize).padStart(3, '0');
  const why = cause === undefined ? '' : ` (${cause instanceof Error ? cause.message : String(cause)})`;
  const fix =
    file.number > 1
      ? `add ${file.path} or lower sampleSize to ${file.number - 1}`
      : `the folder has no 001.txt: check documents.root, bucketName and documentPaths`;
  return new Error(
    `document library: cannot read ${file.path}${why}; with sampleSize ${sampleSize} folder "${file.folder}" must hold 001.txt to ${last}.txt: ${fix}`,
  );
}

/** Loads every file of a library with the given reader (k6's open() at init), failing on the first missing or empty file. */
export function loadDocumentLibrary(spec: DocumentLibrarySpec, root: string, readFile: (path: string) => string): DocumentLibrary {
  const documents: LibraryDocument[] = [];
  for (const file of documentFileNames(spec.bucketName, spec.documentPaths, spec.sampleSize, root)) {
    let text: string;
    try {
      text = readFile(file.path);
    } catch (err) {
      throw missingDocumentError(file, spec.sampleSize, err);
    }
    if (text.trim() === '') throw new Error(`document library "${spec.bucketName}": ${file.path} is empty; every document needs text`);
    documents.push({ path: file.path, text });
  }
  return { bucketName: spec.bucketName, documents };
}

/** One document of the library, uniformly. */
export function selectDocument(rng: Rng, library: DocumentLibrary): LibraryDocument {
  if (library.documents.length === 0) {
    throw new Error(`document library "${library.bucketName}" is empty: load it with loadDocumentLibrary before asking about documents`);
  }
  return rng.pick(library.documents);
}
