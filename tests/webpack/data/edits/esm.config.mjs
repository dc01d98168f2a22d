import TerserPlugin from 'terser-webpack-plugin'
import webpack from 'webpack'

const isProduction = process.env.NODE_ENV === 'production'

export default {
  mode: isProduction ? 'production' : 'development',
  devtool: isProduction ? 'hidden-source-map' : 'eval-cheap-module-source-map',
  optimization: {
    minimizer: [new TerserPlugin()]
  },
  plugins: [
    new webpack.SourceMapDevToolPlugin({ filename: '[file].map' })
  ].filter(Boolean)
}
