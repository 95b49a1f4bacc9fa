// snowball-stemmers@0.6 ships no type declarations; this is the part of its CommonJS API the ledger uses.
declare module 'snowball-stemmers' {
  export function newStemmer(language: string): { stem(word: string): string };
  export function algorithms(): string[];
}
