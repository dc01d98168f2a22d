let rendererConfig = {
  devtool: '#cheap-module-eval-source-map',
  module: {
    rules: [
{{#if eslint}}
      {
        test: /\.(js|vue)$/,
        enforce: 'pre',
        use: { loader: 'eslint-loader' }
      },
{{/if}}
      { test: /\.js$/, use: 'babel-loader' }
    ]
  }
}

if (process.env.NODE_ENV === 'production') {
  rendererConfig.devtool = ''
}

module.exports = rendererConfig
