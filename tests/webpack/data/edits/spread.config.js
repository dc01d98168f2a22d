// Object spread: the base object is spread first, then the production keys win.
const TerserPlugin = require('terser-webpack-plugin')

const base = {
  devtool: 'eval',
  mode: 'production',
  plugins: []
}

const shared = { target: 'electron-renderer' }

module.exports = {
  ...base,
  ...shared,
  devtool: 'cheap-module-source-map',
  plugins: [...base.plugins, new TerserPlugin({ parallel: true })]
}
