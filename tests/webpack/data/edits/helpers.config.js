// A config assembled from helper files with webpack-merge.
const { merge } = require('webpack-merge')
const base = require('./helpers/base')
const { productionDevtool } = require('./helpers/devtool.js')

module.exports = merge(base, {
  devtool: productionDevtool(process.env.NODE_ENV),
  target: 'electron-main'
})
