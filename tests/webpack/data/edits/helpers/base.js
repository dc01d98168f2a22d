const path = require('path')
const MinifyPlugin = require('babel-minify-webpack-plugin')

module.exports = {
  output: { path: path.join(__dirname, '../dist/electron'), filename: '[name].js' },
  plugins: [new MinifyPlugin({}, { sourceMap: false })]
}
