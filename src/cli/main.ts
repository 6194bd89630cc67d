import { Command, CommanderError, Option } from 'commander';
import * as api from '../api.ts';
import {
  EXIT_FAILURE,
  EXIT_INVALID,
  EXIT_OK,
  ProjectError,
  ProjectErrors,
  UsageError,
} from '../core/errors.ts';
import { DUCKFLOW_VERSION } from '../core/version.ts';
import { resourceType } from '../core/nodes.ts';
import type { RunEvent } from '../core/results.ts';
import { formatCsv, formatTable } from '../util/format.ts';
import { instant, wholeNumber } from './options.ts';
import { jsonPrinter, textPrinter, useColor } from './printer.ts';

interface GlobalOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  threads?: number;
  logFormat: 'text' | 'json';
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function loadOptions(g: GlobalOptions) {
  return {
    projectDir: g.projectDir,
    profilesDir: g.profilesDir,
    target: g.target,
    vars: g.vars,
    threads: g.threads,
    onWarning: warnOnStderr,
    // Templates' log() lines join the run's output, unless stdout carries JSON events.
    log: g.logFormat === 'json' ? err : out,
  };
}

/** Selector warnings of commands whose stdout is their result (ls, compile) go to stderr. */
const warnOnStderr = (message: string) => err(`warning: ${message}`);

function printer(g: GlobalOptions): (e: RunEvent) => void {
  return g.logFormat === 'json' ? jsonPrinter(out) : textPrinter(out, useColor(process.stdout));
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a node or test failed, 2 bad invocation or project. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('duckflow')
    .description('A dbt-style analytics workflow on DuckDB')
    .version(DUCKFLOW_VERSION)
    .option('--project-dir <dir>', 'directory holding project.yml', '.')
    .option(
      '--profiles-dir <dir>',
      "a dbt project's profiles.yml folder (default: DBT_PROFILES_DIR, the project, ~/.dbt)",
    )
    .option('--target <name>', "target from project.yml targets (or the dbt profile's outputs)")
    .option('--vars <yaml>', "variables, as YAML or JSON (e.g. '{events_path: data/x.json}')")
    .option('--threads <n>', 'nodes to run at once', wholeNumber('--threads', 1))
    .addOption(
      new Option('--log-format <format>', 'text for people, json for machines (one event per line)')
        .choices(['text', 'json'])
        .default('text'),
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const globals = () => program.opts<GlobalOptions>();

  // Only the commands that build models take a microbatch backfill window.
  const withWindow = (command: Command, name: string) =>
    name === 'build' || name === 'run'
      ? command
          .option(
            '--event-time-start <time>',
            'microbatch models: backfill from this UTC date or time (with --event-time-end)',
            instant('--event-time-start'),
          )
          .option(
            '--event-time-end <time>',
            'microbatch models: backfill up to (not including) this UTC date or time',
            instant('--event-time-end'),
          )
      : command;

  /** Runs a command that executes nodes until it ends, Ctrl-C and SIGTERM interrupting it. */
  const runUntilDone = async (run: (signal: AbortSignal) => Promise<api.RunReport>) => {
    const controller = new AbortController();
    // SIGTERM (a CI timeout, `kill`, a container stop) is handled as Ctrl-C is; a second
    // signal of the same kind kills the process.
    const onSignal = (signal: NodeJS.Signals) => {
      err(
        `\ninterrupted (${signal}): stopping running statements, nothing new starts; tables keep their previous contents`,
      );
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const report = await run(controller.signal);
      exitCode = report.success ? EXIT_OK : EXIT_FAILURE;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  };

  const runCommand = (
    name: 'build' | 'run' | 'seed' | 'test' | 'snapshot',
    description: string,
  ) => {
    const command = withWindow(program.command(name), name);
    // Both spellings, so that neither given leaves project.yml's `build: test-gate:` in force.
    if (name === 'build')
      command
        .option('--test-gate', "downstream nodes wait for a model's tests (the default)")
        .option(
          '--no-test-gate',
          "start downstream nodes as soon as a model is built, before its tests finish; a failing test then fails the run and names the nodes that ran on the model's data",
        );
    return command
      .description(description)
      .option(
        '-s, --select <selector...>',
        'nodes to include (dbt syntax: name, +name, name+, tag:x, path:models/x, state:modified, a,b)',
      )
      .option('--exclude <selector...>', 'nodes to leave out')
      .option('--full-refresh', 'rebuild incremental models from scratch')
      .option('--junit-xml <path>', 'also write test results as JUnit XML')
      .option('--state <dir>', "an earlier run's target folder, for state:new/state:modified")
      .option('--defer', 'refs to models not built here, and missing here, read the --state run')
      .option('-x, --fail-fast', 'stop at the first failure')
      .option('--empty', 'refs and sources read zero rows: check the SQL, build empty relations')
      .option(
        '--rerun-unit-tests',
        'run unit tests whose inputs are unchanged since they passed too (they are skipped otherwise)',
      )
      .action(
        async (opts: {
          select?: string[];
          exclude?: string[];
          fullRefresh?: boolean;
          junitXml?: string;
          eventTimeStart?: Date;
          eventTimeEnd?: Date;
          testGate?: boolean;
          state?: string;
          defer?: boolean;
          failFast?: boolean;
          empty?: boolean;
          rerunUnitTests?: boolean;
        }) =>
          runUntilDone((signal) =>
            api[name]({
              ...loadOptions(globals()),
              ...opts,
              onEvent: printer(globals()),
              signal,
            }),
          ),
      );
  };

  runCommand('build', 'load seeds, build models and run their tests, in dependency order');
  runCommand('run', 'build models only');
  runCommand('seed', 'load seed files into tables');
  runCommand('test', 'run data tests and unit tests');
  runCommand('snapshot', 'record changes of the snapshots (type-2 history tables)');
  program
    .command('retry')
    .description('re-run what failed or was skipped in the last build, run, seed or test')
    .action(() =>
      runUntilDone((signal) =>
        api.retry({ ...loadOptions(globals()), onEvent: printer(globals()), signal }),
      ),
    );

  program
    .command('init <name>')
    .description('create a new project skeleton in ./<name> that builds as it stands')
    .action((name: string) => {
      const dir = api.initProject(name);
      out(`created ${dir}`);
      out(`next: cd ${name} && npx duckflow build`);
    });

  program
    .command('debug')
    .description('check the project, its target and the database connection')
    .action(async () => {
      const report = await api.debug(loadOptions(globals()));
      out(`duckflow ${report.version}`);
      for (const c of report.checks)
        out(`${c.name.padEnd(11)} ${c.ok ? 'OK   ' : 'ERROR'} ${c.detail}`);
      if (report.checks.length < 3)
        out('target and connection not checked: the project does not load');
      out(report.success ? 'All checks passed!' : 'Some checks failed.');
      exitCode = report.success ? EXIT_OK : EXIT_FAILURE;
    });

  program
    .command('source')
    .description("dbt's source commands")
    .command('freshness')
    .description(
      "check each source's newest loaded_at_field against its freshness; writes target/sources.json",
    )
    .option('-s, --select <selector...>', 'sources to check (source:name, source:name.table)')
    .option('--exclude <selector...>', 'sources to leave out')
    .option('-o, --output <path>', 'where to write the results (default target/sources.json)')
    .action(async (opts: { select?: string[]; exclude?: string[]; output?: string }) => {
      const { success, path } = await api.sourceFreshness({
        ...loadOptions(globals()),
        ...opts,
        onWarning: warnOnStderr,
        onResult: (r) => out(`${r.status.toUpperCase().padEnd(13)} ${r.name}: ${r.message}`),
      });
      out(`wrote ${path}`);
      exitCode = success ? EXIT_OK : EXIT_FAILURE;
    });

  program
    .command('compile')
    .description('render models and tests to target/compiled without running them')
    .option('-s, --select <selector...>', 'nodes to compile')
    .option('--exclude <selector...>', 'nodes to leave out')
    .action((opts: { select?: string[]; exclude?: string[] }) => {
      const { compiled } = api.compile({
        ...loadOptions(globals()),
        ...opts,
        onWarning: warnOnStderr,
      });
      for (const c of compiled) out(c.path);
    });

  program
    .command('ls')
    .description('list nodes matching a selection')
    .option('-s, --select <selector...>', 'nodes to list')
    .option('--exclude <selector...>', 'nodes to leave out')
    .option(
      '--resource-type <type...>',
      'model, snapshot, seed, source, test, unit_test, dashboard',
    )
    .option('--state <dir>', "an earlier run's target folder, for state:new/state:modified")
    .addOption(
      new Option('--output <format>', 'name, path or json')
        .choices(['name', 'path', 'json'])
        .default('name'),
    )
    .action(
      (opts: {
        select?: string[];
        exclude?: string[];
        resourceType?: string[];
        output: string;
        state?: string;
      }) => {
        const { nodes } = api.list({
          ...loadOptions(globals()),
          state: opts.state,
          select: opts.select,
          exclude: opts.exclude,
          resourceTypes: opts.resourceType,
          onWarning: warnOnStderr,
        });
        for (const n of nodes) {
          if (opts.output === 'json') {
            out(
              JSON.stringify({
                unique_id: n.id,
                name: n.name,
                resource_type: resourceType(n),
                path: n.path,
                tags: n.tags,
                depends_on: n.dependsOn,
                ...(n.kind === 'model' ? { materialized: n.materialized } : {}),
              }),
            );
          } else out(opts.output === 'path' ? n.path : n.name);
        }
      },
    );

  const printRows = (format: string, result: Awaited<ReturnType<typeof api.query>>) => {
    if (format === 'json') out(JSON.stringify(result.rows));
    else if (format === 'csv') out(formatCsv(result));
    else out(formatTable(result));
  };
  const formatOption = () =>
    new Option('--format <format>', 'table, json or csv')
      .choices(['table', 'json', 'csv'])
      .default('table');

  program
    .command('show <model>')
    .description("print a model's or seed's first rows")
    .option('--limit <n>', 'rows to show', wholeNumber('--limit', 0), 10)
    .addOption(formatOption())
    .action(async (model: string, opts: { limit: number; format: string }) => {
      printRows(
        opts.format,
        await api.show(model, { ...loadOptions(globals()), limit: opts.limit }),
      );
    });

  program
    .command('query <sql>')
    .description('run SQL against the target database')
    .addOption(formatOption())
    .action(async (sql: string, opts: { format: string }) => {
      printRows(opts.format, await api.query(sql, loadOptions(globals())));
    });

  program
    .command('deps')
    .description(
      "install a dbt project's packages (packages.yml: local and git) into dbt_packages/",
    )
    .action(() => {
      for (const [name, path] of api.deps({ projectDir: globals().projectDir }))
        out(`installed ${name} into ${path}`);
    });

  program
    .command('clean')
    .description(
      'remove target/ (compiled SQL, artifacts, and the database when it lives there); only a folder duckflow created, inside the project',
    )
    .option(
      '--allow-outside-project',
      'also remove a target outside the project folder, when target-path is an absolute path',
    )
    .action((opts: { allowOutsideProject?: boolean }) => {
      const removed = api.clean({
        projectDir: globals().projectDir,
        allowOutsideProject: opts.allowOutsideProject,
      });
      for (const p of removed) out(`removed ${p}`);
    });

  const portOption = () =>
    new Option('--port <n>', 'port to listen on (0 = any free port)')
      .argParser(wholeNumber('--port', 0, 65535))
      .default(8080);
  const serveUntilStopped = async (
    what: string,
    port: number,
    start: () => Promise<{ url: string; close(): Promise<void> }>,
  ) => {
    const server = await start().catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE'
        ? new UsageError(`port ${port} is already in use: pick another with --port`)
        : e;
    });
    out(`serving ${what} at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
  };

  program
    .command('serve')
    .description(
      'serve a read-only JSON API over the latest built snapshot, and the docs site, until Ctrl-C',
    )
    .addOption(portOption())
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option(
      '--allowed-host <name...>',
      'more Host header names to answer (the bound address, and localhost on loopback, always are)',
    )
    .action(async (opts: { port: number; host: string; allowedHost?: string[] }) => {
      await serveUntilStopped('the API (/api/openapi.json) and docs', opts.port, () =>
        api.serve({
          ...loadOptions(globals()),
          port: opts.port,
          host: opts.host,
          allowedHosts: opts.allowedHost,
        }),
      );
    });

  const docs = program
    .command('docs')
    .description('the documentation site and dashboard in target/docs');
  docs
    .command('generate')
    .description(
      'write target/docs: model pages, lineage, tests, dashboard (opens from file://, no server needed)',
    )
    .action(async () => {
      const result = await api.generateDocs(loadOptions(globals()));
      for (const note of result.notes) err(`note: ${note}`);
      out(`wrote ${result.files.length} files to ${result.dir}`);
      out(`open ${result.index} in a browser, or run 'duckflow docs serve'`);
    });
  docs
    .command('serve')
    .description('serve target/docs on 127.0.0.1 until Ctrl-C')
    .addOption(portOption())
    .action(async (opts: { port: number }) => {
      await serveUntilStopped('docs', opts.port, () =>
        api.serveDocs({ ...loadOptions(globals()), port: opts.port }),
      );
    });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_INVALID;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    if (e instanceof ProjectErrors) {
      for (const pe of e.errors) err(`error: ${pe.message}`);
      err(`${e.errors.length} error${e.errors.length === 1 ? '' : 's'} in the project`);
      return EXIT_INVALID;
    }
    if (e instanceof ProjectError || e instanceof UsageError) {
      err(`error: ${e.message}`);
      return EXIT_INVALID;
    }
    err(`error: ${(e as Error).message}`);
    return EXIT_FAILURE;
  }
}
