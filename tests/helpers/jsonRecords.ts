import { project, type FileMap } from './fixture.ts';

/** A project whose seed `events` is json_records read from `path`, with more config lines. */
export const jsonRecordsProject = (path: string, config: string[], files: FileMap) =>
  project({
    'project.yml': 'name: x\n',
    'seeds/events.yml': [
      'seeds:',
      '  - name: events',
      '    config:',
      `      path: ${path}`,
      '      format: json_records',
      ...config.map((l) => `      ${l}`),
      '',
    ].join('\n'),
    ...files,
  });
