/**
 * What every stack of the demo shares, in plain Java: no servlet, Netty or other server type.
 * It is also packaged alone as {@code demo-app-<version>-core.jar}, which the javax.servlet
 * stacks in {@code demo-app/javax} build on.
 */
package com.example.legacymcp.core;
