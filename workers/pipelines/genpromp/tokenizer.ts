/** tokenizer.json (Hugging Face format) → WordTokenizer, via @huggingface/tokenizers. */
import { Tokenizer } from '@huggingface/tokenizers';
import { EngineError } from '@shared/errors';
import type { WordTokenizer } from '@shared/genpromp/prompts';

export function loadTokenizer(json: unknown, source: string): WordTokenizer {
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json as object, {});
  } catch (err) {
    throw new EngineError(
      'ManifestInvalid',
      `${source} is not a tokenizer.json this app can read: ${String((err as Error)?.message ?? err)}`,
    );
  }
  const unkToken = (json as { model?: { unk_token?: string } }).model?.unk_token;
  const unkId = unkToken ? tok.token_to_id(unkToken) : undefined;
  return {
    encodeWords(text) {
      // tokenizers.js leaves unknown words as null where the Python library
      // gives the unk id; map them the same way so both sides agree.
      return tok.encode(text, { add_special_tokens: false }).ids.map((id) => {
        if (id !== null && id !== undefined) return id;
        if (unkId === undefined)
          throw new EngineError('InvalidInput', `"${text}" has a word the tokenizer does not know and it has no unknown token`);
        return unkId;
      });
    },
    tokenToId: (token) => tok.token_to_id(token) ?? undefined,
    ...(unkId !== undefined && unkId !== null ? { unknownId: unkId } : {}),
  };
}
