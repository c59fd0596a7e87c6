// @ts-check
/**
 * The layer rule of DESIGN.md, deny by default. Every file under src/ belongs to a layer; a file
 * outside a known layer is an error. Each layer may import only the layers and packages listed
 * here; an import of an unlisted package is an error until someone classifies it.
 *
 *   shared    imports nothing else (pure TypeScript: no Node, no DOM)
 *   core      imports shared (Node only)
 *   main      imports shared, and starts core by path, never by import
 *   preload   imports shared
 *   renderer  imports shared
 *   cloud     imports shared
 */
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** @type {Record<string, { layers: string[]; packages: (string | RegExp)[]; node: boolean }>} */
export const LAYERS = {
  shared: { layers: ['shared'], packages: ['zod'], node: false },
  core: {
    layers: ['shared', 'core'],
    packages: ['zod', 'better-sqlite3', 'node-hid', 'ws', 'pino', 'pdfkit', /^bwip-js(\/node)?$/],
    node: true,
  },
  main: { layers: ['shared', 'main'], packages: ['electron', 'zod'], node: true },
  preload: { layers: ['shared', 'preload'], packages: ['electron'], node: false },
  renderer: {
    layers: ['shared', 'renderer'],
    packages: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'zustand',
      'i18next',
      'react-i18next',
      'zod',
      /^@zxing\//,
      'recharts',
      /^zxing-wasm\/reader(\/zxing_reader\.wasm\?url)?$/,
    ],
    node: false,
  },
  cloud: {
    layers: ['shared', 'cloud'],
    packages: ['zod', 'pg', /^@electric-sql\/pglite/, /^fastify/, /^@fastify\//, 'pino'],
    node: true,
  },
};

/** @param {string} file @param {string} root */
function layerOf(file, root) {
  const rel = relative(root, file).split(sep);
  if (rel[0] !== 'src') return null;
  return rel[1] ?? '';
}

/** @param {string} source @param {(string | RegExp)[]} allowed */
function packageAllowed(source, allowed) {
  return allowed.some((entry) =>
    typeof entry === 'string'
      ? source === entry || (source.startsWith(`${entry}/`) && entry.includes('/'))
      : entry.test(source),
  );
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import boundaries between Benchline layers (deny by default).' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const layer = layerOf(file, root);
    if (layer === null) return {};
    const spec = LAYERS[layer];
    if (!spec) {
      return {
        Program(node) {
          context.report({ node, message: `src/${layer} is not a known layer (${Object.keys(LAYERS).join(', ')}).` });
        },
      };
    }

    /** @param {import('estree').Node} node @param {string} source */
    function check(node, source) {
      if (source.startsWith('#shared/')) {
        if (!spec.layers.includes('shared')) context.report({ node, message: `${layer} may not import shared.` });
        return;
      }
      if (source.startsWith('#')) {
        context.report({ node, message: `Unknown subpath import "${source}".` });
        return;
      }
      if (source.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), source), root);
        if (target !== layer) {
          const hint = target === 'shared' ? ' Use "#shared/…".' : '';
          context.report({ node, message: `${layer} may not import src/${target ?? '?'} by a relative path.${hint}` });
        }
        return;
      }
      if (NODE.has(source) || NODE.has(source.split('/')[0] ?? '')) {
        if (!spec.node) context.report({ node, message: `${layer} runs without Node: "${source}" is not available.` });
        else if (!source.startsWith('node:'))
          context.report({ node, message: `Write Node built-ins with the node: prefix ("node:${source}").` });
        return;
      }
      if (!packageAllowed(source, spec.packages)) {
        context.report({
          node,
          message: `${layer} may not import "${source}". Classify the package in tools/eslint/layers.mjs if it belongs here.`,
        });
      }
    }

    return {
      ImportDeclaration(node) {
        check(node, String(node.source.value));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, String(node.source.value));
      },
      ExportAllDeclaration(node) {
        check(node, String(node.source.value));
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') check(node, node.source.value);
        else context.report({ node, message: 'Dynamic imports must use a literal path.' });
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          context.report({ node, message: 'Use import, not require.' });
        }
      },
    };
  },
};

export const layersPlugin = { rules: { layers: rule } };
