import { Renderer, type RenderOptions } from '../templating/renderer.ts';

/**
 * Renders templates in a configuration file's values (targets, dbt_project.yml, profiles.yml,
 * packages.yml): `var` and `env_var`, no `ref`/`source`. Failures are Errors whose message
 * says what went wrong, for the caller to place at the value's line.
 */
export function configRenderer(
  vars: Record<string, unknown> = {},
  target: RenderOptions['target'] = { name: '', schema: '', type: '' },
): (text: string, file: string) => string {
  let renderer: Renderer | undefined;
  return (text, file) => {
    renderer ??= new Renderer({ vars, target, macros: [] });
    try {
      return renderer.render(text, { path: file, ref: noRef, source: noRef });
    } catch (e) {
      throw new Error((e as Error).message.replace(/^.*template error: /, ''));
    }
  };
}

const noRef = (): string => {
  throw new Error('ref() and source() mean nothing in a configuration file');
};
