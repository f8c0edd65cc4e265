/** A picked folder's files keyed by their path below manifest.json's folder. */
import { describe, expect, it } from 'vitest';
import { folderFromDirectoryHandle, folderFromFiles } from './packFolder';

/** A File as a folder input yields it: webkitRelativePath starts with the picked folder's name. */
function picked(path: string): File {
  const file = new File(['x'], path.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

describe('pack folders', () => {
  it('strips the picked folder and names the pack after it', () => {
    const folder = folderFromFiles(['sd15/manifest.json', 'sd15/unet.onnx', 'sd15/unet.onnx.data0', 'sd15/sub/x.bin'].map(picked));
    expect(folder.name).toBe('sd15');
    expect(Object.keys(folder.files).sort()).toEqual(['manifest.json', 'sub/x.bin', 'unet.onnx', 'unet.onnx.data0']);
  });

  it('finds the pack one level down when the user picked its parent, and ignores the rest', () => {
    const folder = folderFromFiles(['downloads/notes.txt', 'downloads/sd15/manifest.json', 'downloads/sd15/unet.onnx'].map(picked));
    expect(folder.name).toBe('sd15');
    expect(Object.keys(folder.files).sort()).toEqual(['manifest.json', 'unet.onnx']);
  });

  it('keeps every file when there is no manifest, so the engine can say it is missing', () => {
    const folder = folderFromFiles(['stuff/a.onnx'].map(picked));
    expect(Object.keys(folder.files)).toEqual(['stuff/a.onnx']);
  });

  it('walks a directory handle from showDirectoryPicker', async () => {
    const file = (name: string) => ({ kind: 'file' as const, name, getFile: async () => new File(['x'], name) });
    const dir = (name: string, children: unknown[]) => ({
      kind: 'directory' as const,
      name,
      async *values() {
        yield* children as never[];
      },
    });
    const folder = await folderFromDirectoryHandle(dir('pack', [file('manifest.json'), dir('weights', [file('unet.onnx.data0')])]));
    expect(folder.name).toBe('pack');
    expect(Object.keys(folder.files).sort()).toEqual(['manifest.json', 'weights/unet.onnx.data0']);
  });
});
