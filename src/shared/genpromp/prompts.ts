/** Prompt tokenisation for GenPromp's templates (class word in each of the 7 templates). */
import { EngineError } from '../errors';
import type { DiffusionManifest } from '../manifest';

/** What the pipeline needs from a tokenizer: word ids without special tokens. */
export interface WordTokenizer {
  encodeWords(text: string): number[];
  tokenToId(token: string): number | undefined;
  /** The id unknown words encode to, where the tokenizer has one. */
  unknownId?: number;
}

/** The id of `word` when it is exactly one known token of the vocabulary, else null. */
export function singleTokenId(tok: WordTokenizer, word: string): number | null {
  const ids = tok.encodeWords(word);
  return ids.length === 1 && ids[0] !== tok.unknownId ? ids[0]! : null;
}

/** [BOS, words…, EOS, PAD…] of the context length (words truncated to fit). */
export function encodePrompt(tok: WordTokenizer, spec: DiffusionManifest['tokenizer'], text: string): Int32Array {
  const words = tok.encodeWords(text).slice(0, spec.contextLength - 2);
  const ids = new Int32Array(spec.contextLength).fill(spec.padId);
  ids[0] = spec.bosId;
  ids.set(words, 1);
  ids[words.length + 1] = spec.eosId;
  return ids;
}

/**
 * GenPromp reads the map at a fixed token index (5 for SD 1.x). That only holds
 * if, in every template, the slot word is one token at that index — check it for
 * each class's meta and concept token instead of trusting it (a template word such
 * as "rendering" may split into several tokens).
 */
export function checkTokenPosition(tok: WordTokenizer, m: DiffusionManifest): void {
  for (const template of m.promptTemplates) {
    for (const c of m.classes) {
      for (const word of [c.metaToken, c.conceptToken]) {
        const before = tok.encodeWords(template.split('{}')[0]!).length;
        const n = tok.encodeWords(word).length;
        if (1 + before !== m.genpromp.tokenPosition || n !== 1) {
          throw new EngineError(
            'ManifestInvalid',
            `In template "${template}", "${word}" lands at token ${1 + before} as ${n} token(s), but ` +
              `genpromp.tokenPosition is ${m.genpromp.tokenPosition}. Fix the templates, the tokenizer or tokenPosition in the pack.`,
          );
        }
      }
    }
  }
}

/** f = λ·f_r + (1−λ)·f_d on the text-encoder outputs (float32 arithmetic). */
export function mixEmbeddings(fd: Float32Array, fr: Float32Array, lambda: number): Float32Array {
  const l = Math.fround(lambda);
  const k = Math.fround(1 - l);
  const out = new Float32Array(fd.length);
  for (let i = 0; i < fd.length; i++) out[i] = Math.fround(fr[i]! * l) + Math.fround(fd[i]! * k);
  return out;
}
