// streaming-at-scale: the Azure resources of one benchmark solution, deployed as ONE resource-group
// deployment (resources in parallel where they do not depend on each other). Compiled to main.json,
// which the toolkit deploys; `az bicep build --file bicep/main.bicep` must reproduce it (CI checks).
targetScope = 'resourceGroup'

@description('Prefix of every resource name: 3-17 lowercase letters and digits (it also names the storage account).')
@minLength(3)
@maxLength(17)
param solutionName string

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Where Flink runs: an AKS cluster (aks) or an HDInsight Hadoop cluster on YARN (hdinsight).')
@allowed([
  'aks'
  'hdinsight'
])
param flinkPlatform string = 'aks'

@description('HDInsight Kafka worker (broker) nodes.')
@minValue(3)
param kafkaWorkerCount int = 4

@description('VM size of the Kafka workers.')
param kafkaWorkerSize string = 'Standard_D3_V2'

@description('Managed data disks per Kafka worker.')
@minValue(1)
@maxValue(8)
param kafkaDisksPerWorker int = 2

@description('AKS nodes (platform aks).')
@minValue(1)
param aksNodeCount int = 3

@description('VM size of the AKS nodes.')
param aksNodeSize string = 'Standard_D2s_v3'

@description('HDInsight Hadoop (YARN) worker nodes (platform hdinsight).')
@minValue(1)
param yarnWorkerCount int = 3

@description('VM size of the YARN workers.')
param yarnWorkerSize string = 'Standard_D3_V2'

@description('HTTPS gateway (Ambari) login of the HDInsight clusters.')
param clusterLoginUserName string = 'admin'

@description('HTTPS gateway password: random per run, never an output.')
@secure()
param clusterLoginPassword string

@description('SSH user of the HDInsight nodes.')
param sshUserName string = 'sshuser'

@description('SSH password of the HDInsight nodes: random per run, never an output.')
@secure()
param sshPassword string

@description('Tags of every resource (the resource group carries the toolkit tags too).')
param tags object = {}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    solutionName: solutionName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    solutionName: solutionName
    location: location
    tags: tags
  }
}

module kafka 'modules/kafka.bicep' = {
  name: 'kafka'
  params: {
    solutionName: solutionName
    location: location
    tags: tags
    workerCount: kafkaWorkerCount
    workerSize: kafkaWorkerSize
    disksPerWorker: kafkaDisksPerWorker
    vnetId: network.outputs.vnetId
    subnetId: network.outputs.kafkaSubnetId
    storageAccountName: storage.outputs.storageAccountName
    clusterLoginUserName: clusterLoginUserName
    clusterLoginPassword: clusterLoginPassword
    sshUserName: sshUserName
    sshPassword: sshPassword
  }
}

module aks 'modules/aks.bicep' = if (flinkPlatform == 'aks') {
  name: 'aks'
  params: {
    solutionName: solutionName
    location: location
    tags: tags
    nodeCount: aksNodeCount
    nodeSize: aksNodeSize
    subnetId: network.outputs.flinkSubnetId
  }
}

module hadoop 'modules/hadoop.bicep' = if (flinkPlatform == 'hdinsight') {
  name: 'hadoop'
  params: {
    solutionName: solutionName
    location: location
    tags: tags
    workerCount: yarnWorkerCount
    workerSize: yarnWorkerSize
    vnetId: network.outputs.vnetId
    subnetId: network.outputs.flinkSubnetId
    storageAccountName: storage.outputs.storageAccountName
    clusterLoginUserName: clusterLoginUserName
    clusterLoginPassword: clusterLoginPassword
    sshUserName: sshUserName
    sshPassword: sshPassword
  }
}

output flinkPlatform string = flinkPlatform
output vnetId string = network.outputs.vnetId
output kafkaSubnetId string = network.outputs.kafkaSubnetId
output flinkSubnetId string = network.outputs.flinkSubnetId
output simulatorsSubnetId string = network.outputs.simulatorsSubnetId
output storageAccountName string = storage.outputs.storageAccountName
output measurementsContainer string = storage.outputs.measurementsContainer
output kafkaClusterName string = kafka.outputs.clusterName
output kafkaGatewayUrl string = kafka.outputs.gatewayUrl
output kafkaSshHost string = kafka.outputs.sshHost
output clusterLoginUserName string = clusterLoginUserName
output sshUserName string = sshUserName
output flinkClusterName string = flinkPlatform == 'aks' ? aks.outputs.clusterName : hadoop.outputs.clusterName
output aksFqdn string = flinkPlatform == 'aks' ? aks.outputs.fqdn : ''
output hadoopGatewayUrl string = flinkPlatform == 'hdinsight' ? hadoop.outputs.gatewayUrl : ''
