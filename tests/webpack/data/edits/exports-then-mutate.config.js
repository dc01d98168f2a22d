'use strict'

const webpack = require('webpack')

const config = {
  devtool: 'source-map',
  plugins: [new webpack.NoEmitOnErrorsPlugin()]
}

module.exports = config

// mutations after the export still change the exported object
const isProd = process.env.NODE_ENV === 'production'
if (isProd) {
  config.devtool = 'eval-source-map'
}
